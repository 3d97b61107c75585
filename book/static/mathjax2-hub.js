// ipywidgets' HTML views typeset their text with MathJax 2's `MathJax.Hub.Queue`; the book serves
// MathJax 3 (on pages with math), which has no Hub. This passes such a request on to MathJax 3.
if (window.MathJax) {
  window.MathJax.Hub = {
    Queue([, , element]) {
      const mathjax = window.MathJax;
      if (mathjax.startup && mathjax.typesetPromise) {
        mathjax.startup.promise.then(() => mathjax.typesetPromise([element]));
      }
    },
  };
}
