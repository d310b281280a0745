import { syntaxError, type PromqlError } from './errors.js';
import { describeToken, type Token, type TokenType } from './lexer.js';

// A position in the token list with the small vocabulary the parser needs.
export class Cursor {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index++;
    return token;
  }

  is(type: TokenType, text?: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === type && (text === undefined || token.text === text);
  }

  // An identifier used as a keyword: keywords are case-insensitive in PromQL.
  isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'ident' && token.text.toLowerCase() === word;
  }

  accept(type: TokenType, text?: string): Token | undefined {
    return this.is(type, text) ? this.next() : undefined;
  }

  // Consumes the expected token or fails with Prometheus' "unexpected X in <context>, expected Y".
  expect(type: TokenType, text: string | undefined, context: string | undefined, expected: string): Token {
    const token = this.accept(type, text);
    if (!token) throw this.unexpected(context, expected);
    return token;
  }

  unexpected(context?: string, expected?: string): PromqlError {
    const token = this.peek();
    let message = `unexpected ${describeToken(token)}`;
    if (context) message += ` in ${context}`;
    if (expected) message += `, expected ${expected}`;
    return syntaxError(message, token.pos);
  }
}
