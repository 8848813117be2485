/**
 * Where JSON text first goes wrong, found by a small scanner of the JSON grammar: JSON.parse's
 * own message quotes the start of the text ("root:*:202"... for /etc/shadow), which must never
 * reach a log or a terminal, and in some cases gives no position at all.
 */
export interface JsonProblem {
  offset: number;
  /** what was wrong, without quoting the text (only JSON punctuation is named) */
  what: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);
const PUNCTUATION = new Set(['{', '}', '[', ']', ',', ':', '"']);

class Stop extends Error {
  constructor(readonly problem: JsonProblem) { super(problem.what); }
}

export function findJsonProblem(text: string): JsonProblem | null {
  let i = 0;
  const fail = (what?: string): never => {
    if (i >= text.length) throw new Stop({ offset: i, what: 'the text ends too early' });
    const c = text[i]!;
    throw new Stop({ offset: i, what: what ?? (PUNCTUATION.has(c) ? `unexpected '${c}'` : 'unexpected character') });
  };
  const skip = () => { while (i < text.length && WS.has(text[i]!)) i++; };
  const literal = (word: string) => { for (const c of word) { if (text[i] !== c) fail(); i++; } };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail();
      const c = text[i]!;
      if (c === '"') { i++; return; }
      if (c < ' ') fail('a control character inside a string');
      if (c === '\\') {
        i++;
        const e = text[i];
        if (e === 'u') { i++; for (let k = 0; k < 4; k++) { if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('a bad \\u escape'); i++; } continue; }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('a bad escape');
      }
      i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail('nested too deeply');
    skip();
    const c = text[i];
    if (c === '{') {
      i++; skip();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('a property name in double quotes was expected');
        string(); skip();
        if (text[i] !== ':') fail("':' was expected");
        i++; value(depth + 1); skip();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail("',' or '}' was expected");
      }
    }
    if (c === '[') {
      i++; skip();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1); skip();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail("',' or ']' was expected");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail();
  };
  try {
    value(0);
    skip();
    if (i < text.length) fail('more text after the end of the JSON value');
    return null;
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}
