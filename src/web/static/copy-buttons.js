// Copy buttons: progressive enhancement for `copyable` values (src/web/fragments.ts): each
// button copies the element just before it. Without this script the buttons stay hidden and
// the values are there to select by hand.
(() => {
  const status = document.getElementById('copy-status');
  const say = (text) => {
    if (!status) return;
    status.textContent = '';
    // Set after a moment, so a screen reader announces a repeated message too.
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  };
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const source = button.previousElementSibling;
    if (!source) continue;
    const what = button.querySelector('.visually-hidden')?.textContent.trim() ?? '';
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        say(`Copied ${what}.`);
      } catch {
        say('Copying was refused: select the text and copy it by hand.');
      }
    });
  }
})();
