// Gatehouse security check: loads the self-hosted ALTCHA widget and gives it its
// proof-of-work worker, all from this site (the page's policy allows no other source).
import '/static/altcha/altcha.js';

globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new Worker('/static/altcha/pbkdf2.js'));

// The widget starts working as the page loads. A form sent before it has finished waits
// for it and then goes by itself, instead of arriving without its answer.
for (const widget of document.querySelectorAll('altcha-widget')) {
  const form = widget.closest('form');
  if (!form) continue;
  let waiting = null;
  form.addEventListener(
    'submit',
    (event) => {
      const state = typeof widget.getState === 'function' ? widget.getState() : 'verified';
      if (state !== 'verifying' && state !== 'unverified') return;
      event.preventDefault();
      event.stopImmediatePropagation();
      waiting = { submitter: event.submitter };
      if (state === 'unverified') widget.verify();
    },
    { capture: true },
  );
  const release = () => {
    if (!waiting || widget.getState() !== 'verified') return;
    const { submitter } = waiting;
    waiting = null;
    form.requestSubmit(submitter ?? undefined);
  };
  widget.addEventListener('verified', release);
  widget.addEventListener('statechange', release);
}
