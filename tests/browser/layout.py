"""What the layout tests measure in the page (public pages at phone width,
admin pages at a desk)."""

# The page's scroll width against the screen's, and the first elements that
# run past the screen's right edge, unless a box that scrolls on its own (a
# wide table) holds them.
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) return false;
    // Inside a box that scrolls on its own (a wide table) is fine.
    for (let p = e.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll'].includes(style.overflowX)) return false;
    }
    return true;
  });
  return {
    scroll: document.documentElement.scrollWidth,
    width,
    wide: wide.slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className
      + ' ' + Math.round(e.getBoundingClientRect().right)),
  };
}"""
