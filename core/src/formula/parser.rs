//! Parser: recursive descent from tokens to a syntax tree, resolving names and checking the
//! number of function arguments, the nesting depth and the size limit on the way.
//!
//! ```text
//! formula := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := add (("<" | "<=" | ">" | ">=" | "==" | "!=") add)?   -- not chainable
//! add     := mul (("+" | "-") mul)*
//! mul     := unary (("*" | "/") unary)*
//! unary   := "-" unary | primary
//! primary := NUMBER | TEXT | "true" | "false" | NAME | NAME "(" (or ("," or)*)? ")" | "(" or ")"
//! ```

use rust_decimal::Decimal;

use super::lexer::{tokenize, Tok, Token};
use super::{suggest, FormulaError, MAX_DEPTH, MAX_NODES, MAX_SOURCE_LEN};

/// A parsed expression.
#[derive(Debug, Clone)]
pub(super) struct Expr {
    pub kind: ExprKind,
    /// Column of the token that identifies the expression: the operator of an operation, the
    /// name of a call, the literal or name itself.
    pub column: usize,
    /// Column of the first character of the expression (an opening parenthesis included).
    pub start: usize,
}

/// The kinds of expressions.
#[derive(Debug, Clone)]
pub(super) enum ExprKind {
    Number(Decimal),
    Bool(bool),
    /// Text in quotes, without them.
    Text(String),
    Var(usize),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BinOp {
    Or,
    And,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    /// The operator as written in a formula.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    fn comparison(tok: Tok) -> Option<BinOp> {
        match tok {
            Tok::Lt => Some(BinOp::Lt),
            Tok::Le => Some(BinOp::Le),
            Tok::Gt => Some(BinOp::Gt),
            Tok::Ge => Some(BinOp::Ge),
            Tok::EqEq => Some(BinOp::Eq),
            Tok::Ne => Some(BinOp::Ne),
            _ => None,
        }
    }
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Func {
    If,
    Min,
    Max,
    Clamp,
    Abs,
    Round,
}

impl Func {
    /// All functions, in the order they are listed to plan authors.
    pub const ALL: [Func; 6] = [
        Func::If,
        Func::Min,
        Func::Max,
        Func::Clamp,
        Func::Abs,
        Func::Round,
    ];

    /// The function's name in formulas.
    pub fn name(self) -> &'static str {
        match self {
            Func::If => "if",
            Func::Min => "min",
            Func::Max => "max",
            Func::Clamp => "clamp",
            Func::Abs => "abs",
            Func::Round => "round",
        }
    }

    fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// `Err(description of the accepted counts)` if the function cannot take `count` arguments.
    fn check_arity(self, count: usize) -> std::result::Result<(), &'static str> {
        let (ok, accepted) = match self {
            Func::If | Func::Clamp => (count == 3, "3 arguments"),
            Func::Min | Func::Max => (count >= 2, "at least 2 arguments"),
            Func::Abs => (count == 1, "1 argument"),
            Func::Round => (count == 1 || count == 2, "1 or 2 arguments"),
        };
        if ok {
            Ok(())
        } else {
            Err(accepted)
        }
    }
}

/// The result of parsing: the tree and the slots of all names used, sorted and deduplicated.
pub(super) struct Parsed {
    pub expr: Expr,
    pub variables: Vec<usize>,
}

/// Parse `source`, resolving names with `resolve`.
pub(super) fn parse(source: &str, resolve: &dyn Fn(&str) -> Option<usize>) -> Result<Parsed> {
    if source.chars().count() > MAX_SOURCE_LEN {
        return Err(FormulaError::new(
            MAX_SOURCE_LEN + 1,
            format!("formula is longer than {MAX_SOURCE_LEN} characters"),
        ));
    }
    let tokens = tokenize(source)?;
    let end = tokens.last().copied().unwrap_or(Token {
        kind: Tok::End,
        column: 1,
        text: "",
    });
    if tokens.first().is_none_or(|t| t.kind == Tok::End) {
        return Err(FormulaError::new(1, "formula is empty"));
    }
    let mut parser = Parser {
        tokens,
        end,
        pos: 0,
        depth: 0,
        nodes: 0,
        variables: Vec::new(),
        resolve,
    };
    let expr = parser.or()?;
    let next = parser.peek();
    if next.kind != Tok::End {
        let message = match next.kind {
            Tok::RParen => "unexpected `)`: there is no `(` for it to close".to_owned(),
            _ => format!("unexpected {}", next.describe()),
        };
        return Err(FormulaError::new(next.column, message));
    }
    let mut variables = parser.variables;
    variables.sort_unstable();
    variables.dedup();
    Ok(Parsed { expr, variables })
}

struct Parser<'a, 'r> {
    tokens: Vec<Token<'a>>,
    /// The final [`Tok::End`] token, returned by `peek` past the end.
    end: Token<'a>,
    pos: usize,
    depth: usize,
    nodes: usize,
    variables: Vec<usize>,
    resolve: &'r dyn Fn(&str) -> Option<usize>,
}

type Result<T> = std::result::Result<T, FormulaError>;

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Token<'a> {
        self.tokens.get(self.pos).copied().unwrap_or(self.end)
    }

    fn peek_second(&self) -> Token<'a> {
        self.pos
            .checked_add(1)
            .and_then(|next| self.tokens.get(next))
            .copied()
            .unwrap_or(self.end)
    }

    fn bump(&mut self) -> Token<'a> {
        let token = self.peek();
        // pos stops at tokens.len(), so it cannot overflow.
        #[allow(clippy::arithmetic_side_effects)]
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    /// Enter one nesting level (parenthesis, call, prefix operator) opened at `column`.
    fn enter(&mut self, column: usize) -> Result<()> {
        // Saturating keeps the comparison right; a saturated depth is still too deep.
        self.depth = self.depth.saturating_add(1);
        if self.depth > MAX_DEPTH {
            return Err(FormulaError::new(
                column,
                format!("formula nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Make a node, enforcing [`MAX_NODES`].
    fn node(&mut self, kind: ExprKind, column: usize, start: usize) -> Result<Expr> {
        // Saturating keeps the comparison right; a saturated count is still too many.
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > MAX_NODES {
            return Err(FormulaError::new(
                column,
                format!(
                    "formula is too complex: it has more than {MAX_NODES} parts \
                     (numbers, names, operators and function calls)"
                ),
            ));
        }
        Ok(Expr {
            kind,
            column,
            start,
        })
    }

    fn binary(&mut self, op: BinOp, op_token: Token<'_>, lhs: Expr, rhs: Expr) -> Result<Expr> {
        let start = lhs.start;
        self.node(
            ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
            op_token.column,
            start,
        )
    }

    fn or(&mut self) -> Result<Expr> {
        let mut lhs = self.and()?;
        while self.peek().kind == Tok::Or {
            let op = self.bump();
            let rhs = self.and()?;
            lhs = self.binary(BinOp::Or, op, lhs, rhs)?;
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr> {
        let mut lhs = self.not()?;
        while self.peek().kind == Tok::And {
            let op = self.bump();
            let rhs = self.not()?;
            lhs = self.binary(BinOp::And, op, lhs, rhs)?;
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Expr> {
        if self.peek().kind != Tok::Not {
            return self.comparison();
        }
        let op = self.bump();
        self.enter(op.column)?;
        let operand = self.not()?;
        self.leave();
        self.node(ExprKind::Not(Box::new(operand)), op.column, op.column)
    }

    fn comparison(&mut self) -> Result<Expr> {
        let lhs = self.additive()?;
        let Some(op) = BinOp::comparison(self.peek().kind) else {
            return Ok(lhs);
        };
        let op_token = self.bump();
        let rhs = self.additive()?;
        let next = self.peek();
        if BinOp::comparison(next.kind).is_some() {
            return Err(FormulaError::new(
                next.column,
                format!(
                    "comparisons can't be chained like `a {} b {} c`; combine them with `and`, \
                     e.g. `a {} b and b {} c`",
                    op.symbol(),
                    next.text,
                    op.symbol(),
                    next.text
                ),
            ));
        }
        self.binary(op, op_token, lhs, rhs)
    }

    fn additive(&mut self) -> Result<Expr> {
        let mut lhs = self.multiplicative()?;
        loop {
            let op = match self.peek().kind {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            let op_token = self.bump();
            let rhs = self.multiplicative()?;
            lhs = self.binary(op, op_token, lhs, rhs)?;
        }
    }

    fn multiplicative(&mut self) -> Result<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek().kind {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                _ => return Ok(lhs),
            };
            let op_token = self.bump();
            let rhs = self.unary()?;
            lhs = self.binary(op, op_token, lhs, rhs)?;
        }
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.peek().kind != Tok::Minus {
            return self.primary();
        }
        let op = self.bump();
        self.enter(op.column)?;
        let operand = self.unary()?;
        self.leave();
        self.node(ExprKind::Neg(Box::new(operand)), op.column, op.column)
    }

    fn primary(&mut self) -> Result<Expr> {
        let token = self.peek();
        match token.kind {
            Tok::Number(value) => {
                self.bump();
                self.node(ExprKind::Number(value), token.column, token.column)
            }
            Tok::Text => {
                self.bump();
                let inner = token
                    .text
                    .strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .unwrap_or_default();
                self.node(ExprKind::Text(inner.to_owned()), token.column, token.column)
            }
            Tok::True | Tok::False => {
                self.bump();
                let value = token.kind == Tok::True;
                self.node(ExprKind::Bool(value), token.column, token.column)
            }
            Tok::Ident if self.peek_second().kind == Tok::LParen => self.call(),
            Tok::Ident => {
                self.bump();
                let Some(slot) = (self.resolve)(token.text) else {
                    let message = match suggest::name(token.text, self.resolve) {
                        Some(better) => {
                            format!("unknown name `{}` (did you mean `{better}`?)", token.text)
                        }
                        None => format!("unknown name `{}`", token.text),
                    };
                    return Err(FormulaError::new(token.column, message));
                };
                self.variables.push(slot);
                self.node(ExprKind::Var(slot), token.column, token.column)
            }
            Tok::LParen => {
                let open = self.bump();
                self.enter(open.column)?;
                let mut inner = self.or()?;
                if self.peek().kind != Tok::RParen {
                    return Err(FormulaError::new(
                        self.peek().column,
                        format!("expected `)` to close `(` at column {}", open.column),
                    ));
                }
                self.bump();
                self.leave();
                inner.start = open.column;
                Ok(inner)
            }
            Tok::Not => Err(FormulaError::new(
                token.column,
                "unexpected `not`: put it in parentheses here, like `(not x)`",
            )),
            Tok::End => Err(FormulaError::new(
                token.column,
                "formula ends too early: expected a number, a name or `(`",
            )),
            _ => Err(FormulaError::new(
                token.column,
                format!("unexpected {}", token.describe()),
            )),
        }
    }

    /// `NAME "(" args ")"`; the current token is the name and the next one is `(`.
    fn call(&mut self) -> Result<Expr> {
        let name = self.bump();
        let open = self.bump();
        let Some(func) = Func::from_name(name.text) else {
            let message = if let Some(better) =
                suggest::function(name.text, Func::ALL.iter().map(|f| f.name()))
            {
                format!(
                    "unknown function `{}` (did you mean `{better}`?)",
                    name.text
                )
            } else {
                let names: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown function `{}`; the functions are {}",
                    name.text,
                    names.join(", ")
                )
            };
            return Err(FormulaError::new(name.column, message));
        };
        self.enter(open.column)?;
        let mut args = Vec::new();
        if self.peek().kind == Tok::RParen {
            self.bump();
        } else {
            loop {
                args.push(self.or()?);
                let next = self.bump();
                match next.kind {
                    Tok::Comma => {}
                    Tok::RParen => break,
                    Tok::End => {
                        return Err(FormulaError::new(
                            next.column,
                            format!("expected `)` to close `(` at column {}", open.column),
                        ))
                    }
                    _ => {
                        return Err(FormulaError::new(
                            next.column,
                            format!(
                                "expected `,` or `)` after an argument of `{}`, found {}",
                                func.name(),
                                next.describe()
                            ),
                        ))
                    }
                }
            }
        }
        self.leave();
        if let Err(accepted) = func.check_arity(args.len()) {
            return Err(FormulaError::new(
                name.column,
                format!("`{}` takes {accepted}, got {}", func.name(), args.len()),
            ));
        }
        self.node(ExprKind::Call(func, args), name.column, name.column)
    }
}
