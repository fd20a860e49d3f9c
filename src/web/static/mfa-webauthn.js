// Security keys and passkeys: asks the browser for a credential (registration) or an
// assertion (sign-in) with the options the server put on the form, puts the answer in
// the form's hidden "credential" field and submits it. Served from the app; no inline script.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  var status = document.getElementById('webauthn-status');

  function say(text) {
    if (status) status.textContent = text;
  }

  function wire(form, run) {
    if (!form) return;
    form.addEventListener('submit', function (event) {
      if (form.dataset.done === '1') return;
      event.preventDefault();
      if (!lib || !lib.browserSupportsWebAuthn()) {
        say('This browser cannot use security keys or passkeys.');
        return;
      }
      var options = JSON.parse(form.dataset.options || '{}');
      say('Follow your browser\u2019s instructions to use your key\u2026');
      run(options)
        .then(function (answer) {
          form.elements.namedItem('credential').value = JSON.stringify(answer);
          form.dataset.done = '1';
          form.submit();
        })
        .catch(function (error) {
          say('The security key was not used (' + (error && error.name ? error.name : 'cancelled') + '). Try again.');
        });
    });
  }

  wire(document.getElementById('webauthn-register'), function (options) {
    return lib.startRegistration({ optionsJSON: options });
  });
  wire(document.getElementById('webauthn-authenticate'), function (options) {
    return lib.startAuthentication({ optionsJSON: options });
  });
})();
