/**
 * An independent structural check of an accepted frame's text, written as plain regular
 * expressions from p1-belgium.md (the parser itself uses none): the line numbers (the
 * identification line is 1) whose shape is not what their code promises.
 */
const lineShape = /^\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}(\([\x20-\x27\x2a-\x7e]*\))+$/;
const time = '\\d{12}[SW]?';
const counter = /^\(\d+(\.\d+)?\*k?Wh\)$/;
const power = /^\(\d+(\.\d+)?\*k?W\)$/;
const valueShapes: Record<string, RegExp> = {
  '1-0:1.8.1': counter, '1-0:1.8.2': counter, '1-0:2.8.1': counter, '1-0:2.8.2': counter,
  '1-0:1.7.0': power, '1-0:2.7.0': power, '1-0:21.7.0': power, '1-0:41.7.0': power, '1-0:61.7.0': power,
  '1-0:22.7.0': power, '1-0:42.7.0': power, '1-0:62.7.0': power,
  '1-0:32.7.0': /^\(\d+(\.\d+)?\*V\)$/, '1-0:52.7.0': /^\(\d+(\.\d+)?\*V\)$/, '1-0:72.7.0': /^\(\d+(\.\d+)?\*V\)$/,
  '1-0:31.7.0': /^\(\d+(\.\d+)?\*A\)$/, '1-0:51.7.0': /^\(\d+(\.\d+)?\*A\)$/, '1-0:71.7.0': /^\(\d+(\.\d+)?\*A\)$/,
  '0-0:1.0.0': new RegExp(`^\\(${time}\\)$`),
  '0-0:96.14.0': /^\(\d+\)$/,
  '0-1:24.2.3': new RegExp(`^\\(${time}\\)\\(\\d+(\\.\\d+)?(\\*(m3|GJ|MJ|kWh))?\\)$`),
};
const placeholders = ['632525252525', '000101000001', '700101010000'];
export function badLines(frame: Buffer): number[] {
  const text = frame.toString('latin1');
  const lines = text.slice(0, text.indexOf('!')).split('\n').map((l) => l.replace(/\r$/, ''));
  const bad: number[] = [];
  if (!/^\/[A-Za-z]{3}\d[\x20-\x7e]*$/.test(lines[0]!)) bad.push(1);
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (index === 0 || line === '') return;
    if (!lineShape.test(line)) { bad.push(index + 1); return; }
    const code = line.slice(0, line.indexOf('('));
    const shape = valueShapes[code];
    if (!shape) return;
    if (seen.has(code)) { bad.push(index + 1); return; }
    seen.add(code);
    if (!shape.test(line.slice(code.length))) { bad.push(index + 1); return; }
    const stamp = /\((\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})[SW]?\)/.exec(line);
    if (stamp && !placeholders.includes(stamp[0].slice(1, 13))
      && (+stamp[2]! < 1 || +stamp[2]! > 12 || +stamp[3]! < 1 || +stamp[3]! > 31 || +stamp[4]! > 23 || +stamp[5]! > 59 || +stamp[6]! > 59)) {
      bad.push(index + 1);
    }
  });
  return bad;
}
