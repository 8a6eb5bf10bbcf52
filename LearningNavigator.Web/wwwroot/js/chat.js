// Enter sends, Shift+Enter breaks the line; IME composition (e.g. accents) never sends by accident.
// The send button's disabled state comes from the server and can lag a fast typist by a round trip, so it is
// not consulted: the form is submitted and the server, which sees the input events first, decides.
export function enterToSend(textarea) {
    textarea.addEventListener('keydown', event => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            if (textarea.value.trim().length > 0) {
                textarea.form.requestSubmit();
            }
        }
    });
}

// Follow the answer only while the reader is already at the bottom; never yank them back up.
// The scroll event arrives a frame late, so a token landing in between would undo the reader's scroll:
// the observer therefore also notices that the position moved up since its own last scroll.
export function followScroll(container) {
    const nearBottom = () => container.scrollHeight - container.scrollTop - container.clientHeight < 48;
    let pinned = true;
    let lastAuto = container.scrollTop;
    container.addEventListener('scroll', () => { pinned = nearBottom(); }, { passive: true });
    new MutationObserver(() => {
        if (container.scrollTop < lastAuto - 2) {
            pinned = nearBottom();
        }
        if (pinned) {
            container.scrollTop = container.scrollHeight;
            lastAuto = container.scrollTop;
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
