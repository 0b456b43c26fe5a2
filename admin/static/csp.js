// The Content-Security-Policy allows no inline script. Flask-Admin's templates still carry a few
// inline handlers (a confirmation before a delete, the bulk actions, "return false" on the filter
// menu, adding an inline row) and "javascript:" links; the server renames them on the way out
// (web/security.py: data-onclick, data-no-navigation) and this file gives each its behaviour.
(function () {
  var handlers = [
    [/confirm\('((?:[^'\\]|\\.)*)'\)/i, function (match, element, event) {
      if (!window.confirm(match[1].replace(/\\(.)/g, '$1'))) event.preventDefault();
    }],
    [/modelActions\.execute\('([^']*)'\)/, function (match, element, event) {
      event.preventDefault();
      window.modelActions.execute(match[1]);
    }],
    [/faForm\.addInlineField\(this, '([^']*)'\)/, function (match, element, event) {
      event.preventDefault();
      window.faForm.addInlineField(element, match[1]);
    }],
    [/return false/, function (match, element, event) { event.preventDefault(); }],
  ];
  document.querySelectorAll('[data-onclick]').forEach(function (element) {
    var code = element.getAttribute('data-onclick');
    handlers.some(function (handler) {
      var match = handler[0].exec(code);
      if (match) element.addEventListener('click', function (event) { handler[1](match, element, event); });
      return match;
    });
  });
  document.querySelectorAll('[data-no-navigation]').forEach(function (link) {
    link.addEventListener('click', function (event) { event.preventDefault(); });
  });
  // Our own pages: a select that submits its form when it changes.
  document.querySelectorAll('[data-submit-on-change]').forEach(function (element) {
    element.addEventListener('change', function () { element.form.submit(); });
  });
})();
