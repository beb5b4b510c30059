/**
 * V8's JSON.parse messages do not always give a position ("Unexpected token ','"). When parsing fails,
 * this scanner finds the offset of the first syntax error so the message can name a line and column.
 * Iterative (an explicit stack), so deeply nested input cannot overflow.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (): boolean => {
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text.charCodeAt(i) < 0x20) return false;
        i += text[i] === '\\' ? 2 : 1;
      }
      if (i >= text.length) return false;
      i++;
      return true;
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  // Each iteration expects a value at i, then handles what may follow it.
  for (;;) {
    ws();
    if (text[i] === '{' || text[i] === '[') {
      const open = text[i] as '{' | '[';
      i++;
      ws();
      if (text[i] === (open === '{' ? '}' : ']')) {
        i++;
      } else {
        stack.push(open);
        if (open === '{') {
          if (text[i] !== '"' || !literal()) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        continue;
      }
    } else if (!literal()) {
      return i;
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      ws();
      const top = stack.at(-1);
      if (!top) return i < text.length ? i : -1;
      if (text[i] === ',') {
        i++;
        if (top === '{') {
          ws();
          if (text[i] !== '"' || !literal()) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        break;
      }
      if (text[i] === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
