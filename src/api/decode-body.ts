import { DecodeError, decode, type Decoder } from '../models/index.js';
import { ProtocolError } from './errors/index.js';

const SNIPPET_LENGTH = 200;

/**
 * JSON text to a validated model. Not JSON, or the wrong shape, is a `ProtocolError` whose
 * `path` names the first bad field: the message a developer needs when a daemon changes.
 */
// only an error needs it: a stream decodes thousands of frames a second
const snippetOf = (text: string): string => (text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH)}...` : text);

export function decodeBody<T>(text: string, decoder: Decoder<T>, url: string, what = 'body'): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = text.trim() === '' ? `empty ${what}` : `${what} is not JSON`;
    throw new ProtocolError({ message, url, snippet: snippetOf(text) }, { cause: error });
  }
  try {
    return decode(decoder, value);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new ProtocolError({ message: `malformed ${what}: ${error.message}`, url, path: error.path, snippet: snippetOf(text) }, { cause: error });
  }
}
