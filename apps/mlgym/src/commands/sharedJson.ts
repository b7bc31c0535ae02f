/**
 * `JSON.stringify` for values that share parts (the configs of one grid share every unswept
 * component): the text of each plain object or array is made once and reused, so writing 100,000
 * configs costs about as much as writing their distinct parts. Only for values never changed after
 * being written. Anything but plain data (a Date, a typed array) is written by JSON.stringify itself.
 */
export function createSharedJson(): (value: unknown) => string {
  const texts = new WeakMap<object, string>();
  const write = (value: unknown, inArray: boolean): string | undefined => {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return JSON.stringify(value);
      case 'number':
        return Number.isFinite(value) ? JSON.stringify(value) : 'null';
      case 'object':
        break;
      default:
        // undefined, functions and symbols: left out of objects, null in arrays (as JSON.stringify)
        return inArray ? 'null' : undefined;
    }
    const known = texts.get(value);
    if (known !== undefined) return known;
    const proto = Object.getPrototypeOf(value) as unknown;
    let text: string;
    if (Array.isArray(value)) {
      text = '[';
      for (let i = 0; i < value.length; i++) text += (i ? ',' : '') + write(value[i], true);
      text += ']';
    } else if (proto === Object.prototype || proto === null) {
      text = '{';
      let first = true;
      for (const key of Object.keys(value)) {
        const v = write((value as Record<string, unknown>)[key], false);
        if (v === undefined) continue;
        text += `${first ? '' : ','}${JSON.stringify(key)}:${v}`;
        first = false;
      }
      text += '}';
    } else return JSON.stringify(value) ?? (inArray ? 'null' : undefined);
    texts.set(value, text);
    return text;
  };
  return (value) => write(value, false) ?? 'null';
}
