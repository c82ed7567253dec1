/**
 * Incremental Server-Sent Events parser (the event/data subset the local Teracron sends).
 * Bounded: an unterminated frame larger than maxFrameBytes is discarded.
 */
export interface SseMessage {
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';

  constructor(private readonly maxFrameBytes = 4 * 1024 * 1024) {}

  push(chunk: string): SseMessage[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const messages: SseMessage[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message = parseFrame(frame);
      if (message) messages.push(message);
      end = this.buffer.indexOf('\n\n');
    }
    if (this.buffer.length > this.maxFrameBytes) this.buffer = '';
    return messages;
  }
}

function parseFrame(frame: string): SseMessage | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}
