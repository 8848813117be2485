import { request } from 'undici';
import { PriceSourceError, type PriceSourceName } from './types.js';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Price answers are a few hundred KB at most; anything larger is not a price answer. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * GET a URL with one overall timeout and the caller's abort signal, and read the whole body.
 * Failures become PriceSourceError. `shownUrl` is what messages may mention: the real URL can
 * carry a secret token and must never reach a message or a log.
 */
export async function httpGet(
  source: PriceSourceName, url: URL, shownUrl: string, timeoutMs: number, signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await request(url, {
      method: 'GET',
      signal: combined,
      headers: { accept: 'application/xml, application/json;q=0.9, */*;q=0.1', 'user-agent': 'digital-meter' },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        response.body.destroy();
        throw new PriceSourceError(source, 'bad-answer', `answer from ${shownUrl} is larger than ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const type = response.headers['content-type'];
    return {
      status: response.statusCode,
      contentType: Array.isArray(type) ? type.join(',') : type ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    };
  } catch (error) {
    if (error instanceof PriceSourceError) throw error;
    if (timeout.aborted) {
      throw new PriceSourceError(source, 'timeout', `no answer from ${shownUrl} within ${timeoutMs / 1000} s`);
    }
    if (signal?.aborted) throw new PriceSourceError(source, 'aborted', `request to ${shownUrl} cancelled`);
    const err = error as Error & { code?: string };
    throw new PriceSourceError(source, 'unreachable', `cannot reach ${shownUrl}: ${err.code ?? err.message}`);
  }
}
