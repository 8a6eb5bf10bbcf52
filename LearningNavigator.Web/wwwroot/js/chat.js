// Enter sends, Shift+Enter breaks the line; IME composition (e.g. accents) never sends by accident.
export function enterToSend(textarea, button) {
    textarea.addEventListener('keydown', event => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            if (!button.disabled) {
                button.click();
            }
        }
    });
}

// Follow the answer only while the reader is already at the bottom; never yank them back up.
export function followScroll(container) {
    let pinned = true;
    container.addEventListener('scroll', () => {
        pinned = container.scrollHeight - container.scrollTop - container.clientHeight < 48;
    });
    new MutationObserver(() => {
        if (pinned) {
            container.scrollTop = container.scrollHeight;
        }
    }).observe(container, { childList: true, subtree: true, characterData: true });
}
