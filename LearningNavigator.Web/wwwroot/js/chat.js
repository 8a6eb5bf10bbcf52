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

// Copies an answer's text. The async Clipboard API needs a secure context; the hidden-textarea fallback
// covers plain-HTTP intranet hosts. Returns whether it worked so the page can say so.
export async function copyText(text) {
    try {
        if (navigator.clipboard && window.isSecureContext) {
            await navigator.clipboard.writeText(text);
            return true;
        }
    } catch {
        // fall through to the fallback
    }
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const active = document.activeElement;
    let copied = false;
    try {
        copied = document.execCommand('copy');
    } finally {
        area.remove();
        if (active && active.focus) {
            active.focus();
        }
    }
    return copied;
}
