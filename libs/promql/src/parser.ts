import type { AggregationOp, Expr, MatrixSelector, ValueType, VectorSelector } from './ast.js';
import {
  aggregationOp,
  isUnsupportedAggregation,
  isUnsupportedFunction,
  rangeFunction,
  RESERVED_WORDS,
  SET_OPERATORS,
  VECTOR_MATCHING_KEYWORDS,
} from './catalog.js';
import { Cursor } from './cursor.js';
import { invalid, syntaxError, unsupported } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { durationValue, numberValue } from './literals.js';
import { binaryExpr, binaryOperator, POW_PRECEDENCE } from './operators.js';
import { LABEL_NAME_PATTERN } from './names.js';
import { parseVectorSelector } from './selector.js';
import { valueType } from './value-type.js';

const MAX_DEPTH = 500;
const DOCUMENTED_TYPE: Record<ValueType, string> = {
  vector: 'instant vector',
  matrix: 'range vector',
  scalar: 'scalar',
};

// Parses a PromQL query (the subset RTPM evaluates) into the tree of ast.ts. Throws PromqlError: `syntax` and
// `invalid` messages read like Prometheus' ("parse error at char 9: …"); `unsupported` ones name the construct.
export function parse(query: string): Expr {
  const cursor = new Cursor(tokenize(query));
  if (cursor.is('eof')) throw syntaxError('no expression found in input', 0);
  const expr = new Parser(cursor).expr(0);
  if (!cursor.is('eof')) throw cursor.unexpected();
  return expr;
}

class Parser {
  // Selectors whose offset was written out: a second `offset`, or a range after it, is an error.
  private readonly withOffset = new WeakSet<VectorSelector>();

  private depth = 0;

  constructor(private readonly cursor: Cursor) {}

  expr(minPrecedence: number): Expr {
    // A hostile query of thousands of `(` must be a 400, not a stack overflow.
    if (++this.depth > MAX_DEPTH) throw invalid('expression nested too deeply', this.cursor.peek().pos);
    try {
      return this.binaryChain(minPrecedence);
    } finally {
      this.depth--;
    }
  }

  private binaryChain(minPrecedence: number): Expr {
    let lhs = this.unary();
    for (;;) {
      const op = this.cursor.peek();
      const operator = binaryOperator(op);
      if (!operator || operator.precedence < minPrecedence) return lhs;
      const { name, precedence } = operator;
      this.cursor.next();
      if (SET_OPERATORS.includes(name)) throw unsupported(`set operator "${name}" is not supported`, op.pos);
      if (name === 'atan2') throw unsupported('binary operator "atan2" is not supported', op.pos);
      const returnBool = this.cursor.isKeyword('bool');
      if (returnBool) this.cursor.next();
      const matching = VECTOR_MATCHING_KEYWORDS.find((word) => this.cursor.isKeyword(word));
      if (matching) throw unsupported(`vector matching ("${matching}") is not supported`, this.cursor.peek().pos);
      const rhs = this.expr(name === '^' ? precedence : precedence + 1);
      lhs = binaryExpr(op, lhs, rhs, returnBool);
    }
  }

  private unary(): Expr {
    const sign = this.cursor.peek();
    if (sign.type !== 'op' || (sign.text !== '-' && sign.text !== '+')) return this.postfix(this.primary());
    this.cursor.next();
    const operand = this.expr(POW_PRECEDENCE);
    // As Prometheus, a signed number literal is just a number.
    if (operand.kind === 'number') return { kind: 'number', value: sign.text === '-' ? -operand.value : operand.value };
    if (valueType(operand) === 'matrix') {
      throw invalid(
        'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
        sign.pos,
      );
    }
    return { kind: 'unary', op: sign.text, expr: operand };
  }

  // `[range]`, `offset` and `@` bind tighter than any operator, to the expression just before them.
  private postfix(expr: Expr): Expr {
    for (;;) {
      if (this.cursor.is('punct', '[')) expr = this.range(expr);
      else if (this.cursor.isKeyword('offset')) expr = this.offset(expr);
      else if (this.cursor.is('punct', '@'))
        throw unsupported('the "@" modifier is not supported', this.cursor.peek().pos);
      else return expr;
    }
  }

  private range(expr: Expr): MatrixSelector {
    const open = this.cursor.next();
    if (!this.cursor.is('duration') && !this.cursor.is('number'))
      throw this.cursor.unexpected('subquery or range', 'duration');
    const rangeMs = durationValue(this.cursor.next(), false);
    if (this.cursor.is('punct', ':') || this.cursor.peek().text.startsWith(':'))
      throw unsupported('subqueries ("[range:resolution]") are not supported', open.pos);
    this.cursor.expect('punct', ']', 'subquery or range', '":" or "]"');
    if (expr.kind !== 'vector_selector') throw invalid('ranges only allowed for vector selectors', open.pos);
    if (this.withOffset.has(expr)) throw invalid('no offset modifiers allowed before range', open.pos);
    return { kind: 'matrix_selector', selector: expr, rangeMs };
  }

  private offset(expr: Expr): Expr {
    const keyword = this.cursor.next();
    const negative = this.cursor.accept('op', '-') !== undefined;
    if (!this.cursor.is('duration') && !this.cursor.is('number')) throw this.cursor.unexpected('offset', 'duration');
    const ms = durationValue(this.cursor.next(), true);
    const target = expr.kind === 'vector_selector' ? expr : expr.kind === 'matrix_selector' ? expr.selector : undefined;
    if (!target) {
      throw invalid(
        'offset modifier must be preceded by an instant vector selector or range vector selector',
        keyword.pos,
      );
    }
    if (this.withOffset.has(target)) throw invalid('offset may not be set multiple times', keyword.pos);
    this.withOffset.add(target);
    target.offsetMs = negative ? 0 - ms : ms;
    return expr;
  }

  private primary(): Expr {
    const token = this.cursor.peek();
    switch (token.type) {
      case 'number':
        this.cursor.next();
        return { kind: 'number', value: numberValue(token.text) };
      case 'duration':
        // Prometheus 3: a duration where a number is expected is its length in seconds (`5m` is 300).
        return { kind: 'number', value: durationValue(this.cursor.next(), true) / 1000 };
      case 'string':
        throw unsupported(`string literal ${token.text} is not supported as an expression`, token.pos);
      case 'ident':
        return this.identifier(token);
      case 'punct':
        if (token.text === '{') return parseVectorSelector(this.cursor, undefined, token.pos);
        if (token.text === '(') {
          this.cursor.next();
          const expr = this.expr(0);
          this.closeParen(token);
          return { kind: 'paren', expr };
        }
    }
    throw this.cursor.unexpected();
  }

  private identifier(token: Token): Expr {
    const lower = token.text.toLowerCase();
    if (lower === 'inf' || lower === 'nan') {
      this.cursor.next();
      return { kind: 'number', value: lower === 'inf' ? Infinity : NaN };
    }
    const call = this.cursor.is('punct', '(', 1);
    const aggregation = call || this.cursor.isKeyword('by', 1) || this.cursor.isKeyword('without', 1);
    const op = aggregationOp(token.text);
    if (op && aggregation) return this.aggregation(op);
    if (aggregation && isUnsupportedAggregation(token.text)) {
      throw unsupported(`aggregation "${lower}" is not supported`, token.pos);
    }
    if (call) return this.call(token);
    if (RESERVED_WORDS.includes(lower)) throw this.cursor.unexpected();
    this.cursor.next();
    return parseVectorSelector(this.cursor, token.text, token.pos);
  }

  private call(name: Token): Expr {
    const func = rangeFunction(name.text);
    if (!func) {
      if (isUnsupportedFunction(name.text)) throw unsupported(`function "${name.text}" is not supported`, name.pos);
      throw invalid(`unknown function with name ${JSON.stringify(name.text)}`, name.pos);
    }
    this.cursor.next();
    const args = this.args();
    if (args.length !== 1) throw invalid(`expected 1 argument(s) in call to "${func}", got ${args.length}`, name.pos);
    let arg = args[0];
    while (arg.kind === 'paren') arg = arg.expr;
    if (arg.kind !== 'matrix_selector') {
      const got = DOCUMENTED_TYPE[valueType(arg)];
      throw invalid(`expected type range vector in call to function "${func}", got ${got}`, name.pos);
    }
    return { kind: 'range_function', func, arg };
  }

  private aggregation(op: AggregationOp): Expr {
    const start = this.cursor.next();
    let grouping = this.isGrouping() ? this.grouping() : null;
    if (!this.cursor.is('punct', '(')) throw this.cursor.unexpected('aggregation', '"("');
    const args = this.args();
    if (args.length === 0) throw invalid('no arguments for aggregate expression provided', start.pos);
    if (args.length > 1) {
      throw invalid(
        `wrong number of arguments for aggregate expression provided, expected 1, got ${args.length}`,
        start.pos,
      );
    }
    if (!grouping && this.isGrouping()) grouping = this.grouping();
    const type = valueType(args[0]);
    if (type !== 'vector') {
      throw invalid(`expected type instant vector in aggregation expression, got ${DOCUMENTED_TYPE[type]}`, start.pos);
    }
    return { kind: 'aggregation', op, grouping, expr: args[0] };
  }

  private isGrouping(): boolean {
    return this.cursor.isKeyword('by') || this.cursor.isKeyword('without');
  }

  private grouping(): { mode: 'by' | 'without'; labels: string[] } {
    const mode = this.cursor.next().text.toLowerCase() as 'by' | 'without';
    this.cursor.expect('punct', '(', 'grouping opts', '"("');
    const labels: string[] = [];
    while (!this.cursor.accept('punct', ')')) {
      const label = this.cursor.peek();
      if (label.type === 'string') throw unsupported('quoted label names (UTF-8 names) are not supported', label.pos);
      if (label.type !== 'ident' || !LABEL_NAME_PATTERN.test(label.text))
        throw this.cursor.unexpected('grouping opts', 'label');
      labels.push(this.cursor.next().text);
      if (!this.cursor.accept('punct', ',') && !this.cursor.is('punct', ')')) {
        throw this.cursor.unexpected('grouping opts', '"," or ")"');
      }
    }
    return { mode, labels };
  }

  // `(a, b, …)` of a call; the cursor is on `(`.
  private args(): Expr[] {
    const open = this.cursor.next();
    const args: Expr[] = [];
    if (this.cursor.accept('punct', ')')) return args;
    for (;;) {
      args.push(this.expr(0));
      const comma = this.cursor.accept('punct', ',');
      if (!comma) break;
      if (this.cursor.is('punct', ')'))
        throw syntaxError('trailing commas not allowed in function call args', comma.pos);
    }
    this.closeParen(open);
    return args;
  }

  private closeParen(open: Token): void {
    if (this.cursor.is('eof')) throw syntaxError('unclosed left parenthesis', open.pos);
    this.cursor.expect('punct', ')', undefined, '")"');
  }
}
