/*
 * Draws the supervised-selftest views of a Jenkins page (elements with data-selftest-view, see selftest-ui.js).
 * A file of its own because Jenkins' Content-Security-Policy forbids inline scripts; load it after selftest-ui.js.
 */
(function () {
  'use strict';
  function run() {
    if (window.SelfTestUI) {
      window.SelfTestUI.boot(document);
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', run);
  } else {
    run();
  }
})();
