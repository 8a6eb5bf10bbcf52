// The reconnect buttons are wired here rather than with onclick attributes: the content security policy
// allows no inline script.
document.addEventListener('click', event => {
    const action = event.target instanceof Element ? event.target.closest('[data-reconnect]')?.dataset.reconnect : undefined;
    if (action === 'resume') {
        Blazor.resumeCircuit ? Blazor.resumeCircuit() : location.reload();
    } else if (action === 'retry') {
        Blazor.reconnect();
    } else if (action === 'reload') {
        location.reload();
    }
});
