// A small PromQL parser and printer, enough to take expressions apart for the live check of
// deploy/prometheus (tests/checks/prometheus.sh): it turns an alert expression into the queries
// that must return data when the suite runs, with the threshold comparisons removed.
//
// Selectors ({...}) and ranges ([...]) are kept as opaque text; the structure that matters is
// the operator tree (with PromQL's precedence), function calls, aggregations and parentheses.
//
//   parse(text) -> node        print(node) -> text
//   alertQueries(text) -> [text]     dashboardQueries(text) -> [text]

const AGGREGATORS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count',
  'count_values', 'bottomk', 'topk', 'quantile']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
// Binary operators by precedence, lowest first.
const PRECEDENCE = {
  or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, atan2: 5, '^': 6,
};

const NUMBER = /^(?:0x[0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/;

function tokenize(text) {
  const tokens = [];
  let i = 0;
  // Reads a bracketed group ({...} or [...]) as one token, strings inside respected.
  const group = (open, close) => {
    let depth = 0;
    const start = i;
    while (i < text.length) {
      const c = text[i];
      if (c === '"' || c === "'" || c === '`') {
        i = skipString(i);
        continue;
      }
      if (c === open) depth++;
      if (c === close && --depth === 0) {
        i++;
        return text.slice(start, i);
      }
      i++;
    }
    throw new Error(`unbalanced ${open} in: ${text}`);
  };
  const skipString = (at) => {
    const q = text[at];
    let j = at + 1;
    while (j < text.length && text[j] !== q) j += text[j] === '\\' && q !== '`' ? 2 : 1;
    if (j >= text.length) throw new Error(`unterminated string in: ${text}`);
    return j + 1;
  };
  while (i < text.length) {
    const rest = text.slice(i);
    let m;
    if ((m = /^\s+/.exec(rest))) {
      i += m[0].length;
    } else if (rest[0] === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (rest[0] === '{') {
      tokens.push({ t: 'braces', v: group('{', '}') });
    } else if (rest[0] === '[') {
      tokens.push({ t: 'range', v: group('[', ']') });
    } else if (rest[0] === '"' || rest[0] === "'" || rest[0] === '`') {
      const end = skipString(i);
      tokens.push({ t: 'str', v: text.slice(i, end) });
      i = end;
    } else if ((m = /^(?:[0-9]+(?:ms|s|m|h|d|w|y))+(?![a-zA-Z0-9_:])/.exec(rest))) {
      tokens.push({ t: 'dur', v: m[0] });
      i += m[0].length;
    } else if ((m = NUMBER.exec(rest))) {
      tokens.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if ((m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest))) {
      const v = m[0];
      if (/^(inf|nan)$/i.test(v)) tokens.push({ t: 'num', v });
      else tokens.push({ t: 'id', v });
      i += v.length;
    } else if ((m = /^(==|!=|<=|>=|=~|!~|[-+*/%^<>(),@=])/.exec(rest))) {
      tokens.push({ t: 'op', v: m[0] });
      i += m[0].length;
    } else {
      throw new Error(`unexpected "${rest[0]}" in: ${text}`);
    }
  }
  return tokens;
}

class Parser {
  constructor(text) {
    this.text = text;
    this.tokens = tokenize(text);
    this.pos = 0;
  }

  peek(k = 0) { return this.tokens[this.pos + k]; }

  is(t, v, k = 0) {
    const tok = this.peek(k);
    return tok !== undefined && tok.t === t && (v === undefined || tok.v === v);
  }

  next() {
    const tok = this.tokens[this.pos++];
    if (!tok) throw new Error(`unexpected end of: ${this.text}`);
    return tok;
  }

  expect(t, v) {
    const tok = this.next();
    if (tok.t !== t || (v !== undefined && tok.v !== v)) {
      throw new Error(`expected ${v ?? t}, got "${tok.v}" in: ${this.text}`);
    }
    return tok;
  }

  parseAll() {
    const node = this.expr(1);
    if (this.pos !== this.tokens.length) {
      throw new Error(`unexpected "${this.peek().v}" in: ${this.text}`);
    }
    return node;
  }

  binaryOp() {
    const tok = this.peek();
    if (!tok) return null;
    if (tok.t === 'op' && PRECEDENCE[tok.v] !== undefined) return tok.v;
    if (tok.t === 'id' && ['and', 'or', 'unless', 'atan2'].includes(tok.v)) return tok.v;
    return null;
  }

  // "(a, b)" label lists of by/without/on/ignoring/group_left/group_right, as text.
  labelList() {
    this.expect('op', '(');
    const names = [];
    while (!this.is('op', ')')) {
      names.push(this.expect('id').v);
      if (this.is('op', ',')) this.next();
    }
    this.next();
    return `(${names.join(', ')})`;
  }

  expr(minPrec) {
    let lhs = this.unary();
    for (;;) {
      const op = this.binaryOp();
      if (op === null || PRECEDENCE[op] < minPrec) return lhs;
      this.next();
      const mods = [];
      if (this.is('id', 'bool')) mods.push(this.next().v);
      if (this.is('id', 'on') || this.is('id', 'ignoring')) {
        mods.push(`${this.next().v} ${this.labelList()}`);
      }
      if (this.is('id', 'group_left') || this.is('id', 'group_right')) {
        const g = this.next().v;
        mods.push(this.is('op', '(') ? `${g} ${this.labelList()}` : g);
      }
      const prec = PRECEDENCE[op];
      const rhs = this.expr(op === '^' ? prec : prec + 1);
      lhs = { t: 'bin', op, mods: mods.join(' '), lhs, rhs };
    }
  }

  unary() {
    if (this.is('op', '-') || this.is('op', '+')) {
      const op = this.next().v;
      // Unary operators bind tighter than everything but ^.
      return { t: 'unary', op, e: this.expr(PRECEDENCE['^']) };
    }
    return this.postfix(this.primary());
  }

  primary() {
    const tok = this.next();
    if (tok.t === 'op' && tok.v === '(') {
      const e = this.expr(1);
      this.expect('op', ')');
      return { t: 'paren', e };
    }
    if (tok.t === 'num' || tok.t === 'str') return { t: tok.t, v: tok.v };
    if (tok.t === 'braces') return { t: 'sel', name: '', braces: tok.v };
    if (tok.t !== 'id') throw new Error(`unexpected "${tok.v}" in: ${this.text}`);
    const name = tok.v;
    if (AGGREGATORS.has(name) && (this.is('id', 'by') || this.is('id', 'without') ||
        this.is('op', '('))) {
      let grouping = '';
      if (this.is('id', 'by') || this.is('id', 'without')) {
        grouping = `${this.next().v} ${this.labelList()}`;
      }
      const args = this.args();
      if (!grouping && (this.is('id', 'by') || this.is('id', 'without'))) {
        grouping = `${this.next().v} ${this.labelList()}`;
      }
      return { t: 'agg', name, grouping, args };
    }
    if (this.is('op', '(')) return { t: 'call', name, args: this.args() };
    return { t: 'sel', name, braces: this.is('braces') ? this.next().v : '' };
  }

  args() {
    this.expect('op', '(');
    const args = [];
    while (!this.is('op', ')')) {
      args.push(this.expr(1));
      if (this.is('op', ',')) this.next();
      else if (!this.is('op', ')')) throw new Error(`expected , or ) in: ${this.text}`);
    }
    this.next();
    return args;
  }

  // Range or subquery, offset and @ after a selector or an expression.
  postfix(node) {
    let out = node;
    for (;;) {
      if (this.is('range')) {
        out = { t: 'postfix', e: out, text: this.next().v };
      } else if (this.is('id', 'offset')) {
        this.next();
        const neg = this.is('op', '-') ? this.next().v : '';
        out = { t: 'postfix', e: out, text: ` offset ${neg}${this.expect('dur').v}` };
      } else if (this.is('op', '@')) {
        this.next();
        const tok = this.next();
        const at = tok.t === 'id' ? `${tok.v}${this.args().length ? '' : '()'}` : tok.v;
        out = { t: 'postfix', e: out, text: ` @ ${at}` };
      } else {
        return out;
      }
    }
  }
}

export function parse(text) {
  return new Parser(text).parseAll();
}

function prec(node) {
  return node.t === 'bin' ? PRECEDENCE[node.op] : 100;
}

export function print(node) {
  switch (node.t) {
    case 'num':
    case 'str':
      return node.v;
    case 'sel':
      return `${node.name}${node.braces}`;
    case 'paren':
      return `(${print(node.e)})`;
    case 'unary':
      return `${node.op}${prec(node.e) < 100 ? `(${print(node.e)})` : print(node.e)}`;
    case 'postfix':
      return `${print(node.e)}${node.text}`;
    case 'call':
      return `${node.name}(${node.args.map(print).join(', ')})`;
    case 'agg':
      return `${node.name}${node.grouping ? ` ${node.grouping} ` : ''}(` +
        `${node.args.map(print).join(', ')})`;
    case 'bin': {
      const p = PRECEDENCE[node.op];
      // Children that bind less tightly than this operator (possible after a rewrite) get
      // parentheses; so does a right operand of equal precedence (left associativity), except
      // for ^, which is right associative.
      const left = prec(node.lhs) < p || (node.op === '^' && prec(node.lhs) === p)
        ? `(${print(node.lhs)})` : print(node.lhs);
      const right = prec(node.rhs) < p || (node.op !== '^' && prec(node.rhs) === p)
        ? `(${print(node.rhs)})` : print(node.rhs);
      return `${left} ${node.op}${node.mods ? ` ${node.mods}` : ''} ${right}`;
    }
    default:
      throw new Error(`cannot print node ${node.t}`);
  }
}

// A constant scalar: a number, or arithmetic and parentheses over numbers.
function constant(node) {
  switch (node.t) {
    case 'num':
      return true;
    case 'paren':
    case 'unary':
      return constant(node.e);
    case 'bin':
      return !COMPARISONS.has(node.op) && PRECEDENCE[node.op] >= 4 && constant(node.lhs) &&
        constant(node.rhs);
    default:
      return false;
  }
}

// The expression without its threshold comparisons: `x > 0.05` -> `x`, `0 < x` -> `x`;
// `a unless b` -> `a` (b only suppresses); absent(x) -> x and absent_over_time(x[r]) -> x (they
// return data only when x has none). `and`, `or` and arithmetic keep both sides.
export function stripThresholds(node) {
  switch (node.t) {
    case 'paren': {
      const e = stripThresholds(node.e);
      return prec(e) === 100 ? e : { t: 'paren', e };
    }
    case 'unary':
      return { ...node, e: stripThresholds(node.e) };
    case 'postfix':
      return { ...node, e: stripThresholds(node.e) };
    case 'call': {
      if (node.name === 'absent' && node.args.length === 1) return stripThresholds(node.args[0]);
      if (node.name === 'absent_over_time' && node.args.length === 1) {
        const a = node.args[0];
        return stripThresholds(a.t === 'postfix' && a.text.startsWith('[') ? a.e : a);
      }
      return { ...node, args: node.args.map(stripThresholds) };
    }
    case 'agg':
      return { ...node, args: node.args.map(stripThresholds) };
    case 'bin': {
      if (COMPARISONS.has(node.op) && constant(node.rhs)) return stripThresholds(node.lhs);
      if (COMPARISONS.has(node.op) && constant(node.lhs)) return stripThresholds(node.rhs);
      if (node.op === 'unless') return stripThresholds(node.lhs);
      return { ...node, lhs: stripThresholds(node.lhs), rhs: stripThresholds(node.rhs) };
    }
    default:
      return node;
  }
}

// The alternatives of a top-level `or` (through parentheses), each of which must have data.
function alternatives(node) {
  if (node.t === 'paren') return alternatives(node.e);
  if (node.t === 'bin' && node.op === 'or') {
    return [...alternatives(node.lhs), ...alternatives(node.rhs)];
  }
  return [node];
}

// The queries that must return data for an alert or recording rule expression: each
// alternative of a top-level `or`, its thresholds stripped.
export function alertQueries(text) {
  return alternatives(parse(text)).map((n) => print(stripThresholds(n)));
}

// The queries that must return data for a dashboard panel's expression: each alternative of a
// top-level `or` (a fallback such as `or on() vector(0)` must not hide an empty main query).
export function dashboardQueries(text) {
  return alternatives(parse(text)).map(print);
}
