//! The JavaScript files a student writes (a page's half of an exercise),
//! checked against a small grammar on a real parse: what is not in the
//! grammar is refused, whatever it is called or however it is spelled.
//!
//! A word list over the text cannot work: a regular expression that looks
//! like a comment hides code from it, `\u0064ocument` is not the word
//! `document`, and `[]`, `()`, `!` and `+` alone spell any name. So the file
//! is parsed (as a module, with oxc) and every node must be one the
//! exercises need: top-level functions; `const`/`let`/`using`; `if`, `for`,
//! `for…of`, `while`; numbers, arrays and operators; names that resolve to
//! a parameter, a local, a function of the file or one of the exercise's
//! `page_globals`; members only from its `page_members`; and `a[i]` only
//! where `i` is provably a number, so no text ever becomes a property name.
//! Names are compared as the parser resolved them, escapes and all.

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpressionElement, AssignmentOperator, AssignmentTarget, BinaryOperator, BindingPattern,
    Declaration, Expression, ForStatementInit, ForStatementLeft, FormalParameters, Function, Program,
    SimpleAssignmentTarget, SourceType, Statement, UnaryOperator, VariableDeclaration, VariableDeclarationKind,
};
use oxc_parser::Parser;
use oxc_span::GetSpan;

/// A page is a few dozen lines; anything this large is not one.
const MAX_BYTES: usize = 64 * 1024;
/// How deeply brackets, statements and expressions may nest. The pages
/// need under ten levels; the limit keeps every walk over the file short.
const MAX_DEPTH: usize = 64;
/// oxc's parser recurses once or more per level of nesting, and nesting
/// need not be brackets (`!!!x`, `a=b=c`, `if(a)if(b)`), so the bracket
/// count before parsing cannot bound it (nor can it see brackets inside a
/// regular expression). It parses on a thread whose stack holds the
/// deepest nesting a file of [`MAX_BYTES`] can spell: measured, under 64 MiB
/// in a debug build.
const PARSER_STACK: usize = 256 * 1024 * 1024;
/// Findings reported per file: a file written to be refused can hold
/// thousands, and the first few say what is wrong.
const MAX_FINDINGS: usize = 8;

/// What an exercise's page may name besides its own parameters, locals and
/// functions: course.toml's `page_globals` and `page_members`.
#[derive(Debug, Clone, Default)]
pub struct PageAllowlist {
    /// Global names it may use, e.g. `Float64Array`.
    pub globals: Vec<String>,
    /// Names it may use after a dot (`wasm.process_batch`, `items.length`).
    pub members: Vec<String>,
}

/// Why the JavaScript file `name` (`source`) is not acceptable, one
/// `name:LINE:COL: ...` per finding; nothing when it keeps to the grammar.
pub fn check_page(source: &str, name: &str, allow: &PageAllowlist) -> Vec<String> {
    let at = |offset: usize, what: String| format!("{name}:{}: {what}", position(source, offset));
    if source.len() > MAX_BYTES {
        return vec![at(0, format!("the file is {} bytes; a page may have at most {MAX_BYTES}", source.len()))];
    }
    if let Some(offset) = too_deep(source) {
        return vec![at(offset, format!("brackets are nested deeper than {MAX_DEPTH} levels"))];
    }
    let found = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_and_check(source, allow))
            .map(|parser| parser.join())
    });
    let mut found = match found {
        Ok(Ok(found)) => found,
        Ok(Err(_)) => vec![(0, "the parser failed on this file".to_string())],
        Err(error) => vec![(0, format!("could not be checked ({error})"))],
    };
    found.sort_by_key(|(offset, _)| *offset);
    let more = found.len().saturating_sub(MAX_FINDINGS);
    let mut problems: Vec<String> = found.into_iter().take(MAX_FINDINGS).map(|(o, what)| at(o, what)).collect();
    if more > 0 {
        problems.push(format!("{name}: and {more} more"));
    }
    problems
}

/// `LINE:COL` of a byte offset, both from 1, the column in characters.
fn position(source: &str, offset: usize) -> String {
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    format!("{line}:{column}")
}

/// Where brackets first nest deeper than [`MAX_DEPTH`], read without
/// recursion and outside comments: a clear finding for the common case.
fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let (mut depth, mut index) = (0usize, 0);
    while index < bytes.len() {
        match (bytes[index], bytes.get(index + 1)) {
            (b'/', Some(b'/')) => {
                index += source[index..].find('\n').unwrap_or(bytes.len() - index);
                continue;
            }
            (b'/', Some(b'*')) => {
                index += source[index + 2..].find("*/").map_or(bytes.len() - index, |end| end + 4);
                continue;
            }
            (b'(' | b'[' | b'{', _) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(index);
                }
            }
            (b')' | b']' | b'}', _) => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    None
}

/// Parses `source` as a module and walks it; findings as (byte offset, what).
fn parse_and_check(source: &str, allow: &PageAllowlist) -> Vec<(usize, String)> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::mjs()).parse();
    let mut found: Vec<(usize, String)> = parsed
        .diagnostics
        .iter()
        .map(|error| {
            let offset = error.labels.first().map_or(0, |label| label.offset() as usize);
            (offset, format!("does not parse: {}", error.message))
        })
        .collect();
    if parsed.panicked && found.is_empty() {
        found.push((0, "does not parse".to_string()));
    }
    if found.is_empty() {
        let mut walk = Walk { allow, found: Vec::new(), scopes: Vec::new(), functions: Vec::new(), loops: 0 };
        walk.program(&parsed.program);
        found = walk.found;
    }
    found
}

/// What a name resolves to.
#[derive(Clone, Copy, PartialEq)]
enum Binding {
    /// A parameter or a `const`/`let`/`using` local.
    Local,
    /// A classic `for`'s `let i = <number>` changed only by its update
    /// clause, by numbers: always a number, so `a[i]` names no property by
    /// text. The number is the loop's, to find its update clause.
    Counter(usize),
}

struct Walk<'s> {
    allow: &'s PageAllowlist,
    found: Vec<(usize, String)>,
    /// Innermost last: each block's names.
    scopes: Vec<Vec<(String, Binding)>>,
    /// The file's functions, callable from anywhere in it.
    functions: Vec<String>,
    /// Classic `for` loops seen so far (each counter names its loop).
    loops: usize,
}

/// What a construct is called in a finding.
fn describe(expression: &Expression) -> &'static str {
    match expression {
        Expression::StringLiteral(_) => "a string literal",
        Expression::TemplateLiteral(_) => "a template literal",
        Expression::TaggedTemplateExpression(_) => "a tagged template",
        Expression::RegExpLiteral(_) => "a regular expression literal",
        Expression::BigIntLiteral(_) => "a BigInt literal",
        Expression::ObjectExpression(_) => "an object literal",
        Expression::ArrowFunctionExpression(_) => "an arrow function",
        Expression::FunctionExpression(_) => "a function expression",
        Expression::ClassExpression(_) => "a class",
        Expression::ThisExpression(_) => "`this`",
        Expression::Super(_) => "`super`",
        Expression::ImportExpression(_) => "`import()`",
        Expression::ImportMeta(_) => "`import.meta`",
        Expression::NewTarget(_) => "`new.target`",
        Expression::AwaitExpression(_) => "`await`",
        Expression::YieldExpression(_) => "`yield`",
        Expression::ChainExpression(_) => "optional chaining (`?.`)",
        Expression::PrivateFieldExpression(_) | Expression::PrivateInExpression(_) => "a private field",
        Expression::JSXElement(_) | Expression::JSXFragment(_) => "JSX",
        Expression::V8IntrinsicExpression(_) => "a V8 intrinsic",
        _ => "TypeScript syntax",
    }
}

impl Walk<'_> {
    fn refuse(&mut self, offset: u32, what: &str, why: &str) {
        self.found.push((offset as usize, format!("{what} is not allowed here ({why})")));
    }

    /// False, with a finding, once nesting passes [`MAX_DEPTH`].
    fn within(&mut self, depth: usize, offset: u32) -> bool {
        if depth > MAX_DEPTH {
            self.refuse(offset, "nesting this deep", "a page nests at most 64 levels");
        }
        depth <= MAX_DEPTH
    }

    fn resolve(&self, name: &str) -> Option<Binding> {
        let local = self.scopes.iter().rev().flat_map(|scope| scope.iter().rev()).find(|(n, _)| n == name);
        let known = self.functions.iter().chain(&self.allow.globals).any(|n| n == name) || name == "undefined";
        local.map(|(_, binding)| *binding).or(known.then_some(Binding::Local))
    }

    fn declare(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), binding));
        }
    }

    fn program(&mut self, program: &Program) {
        if let Some(hashbang) = &program.hashbang {
            self.refuse(hashbang.span.start, "a `#!` line", "a page is a module of functions");
        }
        for directive in &program.directives {
            self.refuse(directive.span.start, "a directive", "a module is strict already");
        }
        let declared = program.body.iter().filter_map(|statement| match statement {
            Statement::FunctionDeclaration(function) => function.id.as_ref(),
            Statement::ExportDeclaration(export) => match &export.declaration {
                Declaration::FunctionDeclaration(function) => function.id.as_ref(),
                _ => None,
            },
            _ => None,
        });
        self.functions = declared.map(|id| id.name.to_string()).collect();
        for statement in &program.body {
            match statement {
                Statement::FunctionDeclaration(function) => self.function(function),
                Statement::ExportDeclaration(export) => match &export.declaration {
                    Declaration::FunctionDeclaration(function) => self.function(function),
                    _ => self.refuse(export.span.start, "this export", "a page exports only functions"),
                },
                Statement::ImportDeclaration(import) => {
                    self.refuse(import.span.start, "`import`", "a page uses only what it is handed")
                }
                _ => self.refuse(
                    statement.span().start,
                    statement_name(statement),
                    "the top level of a page holds only `function` and `export function` declarations",
                ),
            }
        }
    }

    fn function(&mut self, function: &Function) {
        if function.r#async || function.generator {
            self.refuse(function.span.start, "an async or generator function", "a page's functions are plain");
        }
        self.scopes.push(Vec::new());
        self.parameters(&function.params);
        if let Some(body) = &function.body {
            for directive in &body.directives {
                self.refuse(directive.span.start, "a directive", "a module is strict already");
            }
            for statement in &body.statements {
                self.statement(statement, 1);
            }
        }
        self.scopes.pop();
    }

    fn parameters(&mut self, params: &FormalParameters) {
        if let Some(rest) = &params.rest {
            self.refuse(rest.span.start, "a rest parameter", "parameters are plain names");
        }
        for param in &params.items {
            match (&param.pattern, &param.initializer) {
                (BindingPattern::BindingIdentifier(id), None) => self.declare(&id.name, Binding::Local),
                _ => self.refuse(param.span.start, "this parameter", "parameters are plain names, without defaults"),
            }
        }
    }

    /// Declares a binding pattern's names: plain names, or a flat array
    /// pattern of them (`const [ptr, len] of blocks`).
    fn bind(&mut self, pattern: &BindingPattern) {
        match pattern {
            BindingPattern::BindingIdentifier(id) => self.declare(&id.name, Binding::Local),
            BindingPattern::ArrayPattern(array) if array.rest.is_none() => {
                for element in array.elements.iter().flatten() {
                    match element {
                        BindingPattern::BindingIdentifier(id) => self.declare(&id.name, Binding::Local),
                        other => self.refuse(other.span().start, "a nested pattern", "an array pattern holds names"),
                    }
                }
            }
            other => self.refuse(other.span().start, "this destructuring", "only `[a, b]` of plain names"),
        }
    }

    fn declaration(&mut self, declaration: &VariableDeclaration, depth: usize) {
        if !matches!(
            declaration.kind,
            VariableDeclarationKind::Const | VariableDeclarationKind::Let | VariableDeclarationKind::Using
        ) {
            self.refuse(declaration.span.start, "this declaration", "use `const`, `let` or `using`");
        }
        for declarator in &declaration.declarations {
            if let Some(init) = &declarator.init {
                self.expression(init, depth + 1);
            }
            self.bind(&declarator.id);
        }
    }

    fn block(&mut self, statements: &[Statement], depth: usize) {
        self.scopes.push(Vec::new());
        for statement in statements {
            self.statement(statement, depth + 1);
        }
        self.scopes.pop();
    }

    /// A statement in its own scope (the body of `if`, `while`, ...).
    fn body(&mut self, statement: &Statement, depth: usize) {
        self.block(std::slice::from_ref(statement), depth);
    }

    fn statement(&mut self, statement: &Statement, depth: usize) {
        if !self.within(depth, statement.span().start) {
            return;
        }
        match statement {
            Statement::VariableDeclaration(declaration) => self.declaration(declaration, depth),
            Statement::ExpressionStatement(statement) => self.expression(&statement.expression, depth + 1),
            Statement::BlockStatement(block) => self.block(&block.body, depth),
            Statement::EmptyStatement(_) => {}
            Statement::IfStatement(branch) => {
                self.expression(&branch.test, depth + 1);
                self.body(&branch.consequent, depth);
                if let Some(alternate) = &branch.alternate {
                    self.body(alternate, depth);
                }
            }
            Statement::WhileStatement(loop_) => {
                self.expression(&loop_.test, depth + 1);
                self.body(&loop_.body, depth);
            }
            Statement::ForStatement(loop_) => {
                self.loops += 1;
                let id = self.loops;
                let counters =
                    loop_.init.as_ref().map(|init| counters(init, loop_.update.as_ref())).unwrap_or_default();
                self.scopes.push(Vec::new());
                match &loop_.init {
                    Some(ForStatementInit::VariableDeclaration(declaration)) => {
                        self.declaration(declaration, depth);
                        for name in &counters {
                            self.declare(name, Binding::Counter(id));
                        }
                    }
                    Some(init) => {
                        if let Some(init) = init.as_expression() {
                            self.expression(init, depth + 1);
                        }
                    }
                    None => {}
                }
                if let Some(test) = &loop_.test {
                    self.expression(test, depth + 1);
                }
                if let Some(update) = &loop_.update {
                    self.update_clause(update, id, depth + 1);
                }
                self.body(&loop_.body, depth);
                self.scopes.pop();
            }
            Statement::ForOfStatement(loop_) if !loop_.r#await => {
                self.expression(&loop_.right, depth + 1);
                self.scopes.push(Vec::new());
                match &loop_.left {
                    ForStatementLeft::VariableDeclaration(declaration) => self.declaration(declaration, depth),
                    _ => self.refuse(loop_.span.start, "this loop variable", "declare it with `const` or `let`"),
                }
                self.body(&loop_.body, depth);
                self.scopes.pop();
            }
            Statement::ReturnStatement(statement) => {
                if let Some(argument) = &statement.argument {
                    self.expression(argument, depth + 1);
                }
            }
            Statement::BreakStatement(statement) if statement.label.is_none() => {}
            Statement::ContinueStatement(statement) if statement.label.is_none() => {}
            other => self.refuse(other.span().start, statement_name(other), "not in a page's grammar"),
        }
    }

    /// A classic `for`'s update clause: where its counters may change.
    fn update_clause(&mut self, update: &Expression, id: usize, depth: usize) {
        let changes: &[Expression] = match update {
            Expression::SequenceExpression(sequence) => &sequence.expressions,
            single => std::slice::from_ref(single),
        };
        for change in changes {
            let counter = counter_change(change).filter(|name| self.resolve(name) == Some(Binding::Counter(id)));
            if counter.is_none() {
                self.expression(change, depth);
            }
        }
    }

    /// An assignment's or update's target.
    fn target(&mut self, target: &SimpleAssignmentTarget, depth: usize) {
        match target {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(id) => match self.resolve(&id.name) {
                Some(Binding::Counter(_)) => self.refuse(
                    id.span.start,
                    &format!("changing the loop counter `{}`", id.name),
                    "a counter changes only in its `for`'s update clause, by `++`, `--`, `+= N` or `-= N`",
                ),
                Some(Binding::Local) if self.is_local(&id.name) => {}
                _ => self.refuse(
                    id.span.start,
                    &format!("assigning to `{}`", id.name),
                    "only parameters and locals are assigned",
                ),
            },
            SimpleAssignmentTarget::StaticMemberExpression(member) => {
                self.expression(&member.object, depth + 1);
                self.member(&member.property.name, member.property.span.start);
            }
            SimpleAssignmentTarget::ComputedMemberExpression(member) => {
                self.expression(&member.object, depth + 1);
                self.index(&member.expression, depth + 1);
            }
            other => self.refuse(other.span().start, "this assignment target", "not in a page's grammar"),
        }
    }

    /// A parameter or local, not a function of the file or a global.
    fn is_local(&self, name: &str) -> bool {
        self.scopes.iter().any(|scope| scope.iter().any(|(n, _)| n == name))
    }

    fn member(&mut self, name: &str, offset: u32) {
        if !self.allow.members.iter().any(|m| m == name) {
            self.refuse(
                offset,
                &format!("the member `.{name}`"),
                &format!("a page reads only the exercise's page_members: {}", self.allow.members.join(", ")),
            );
        }
    }

    /// `a[index]`: a number, or text would pick the property.
    fn index(&mut self, index: &Expression, depth: usize) {
        self.expression(index, depth);
        if !self.is_number(index, depth) {
            self.refuse(
                index.span().start,
                "computed member access by something that is not provably a number",
                "an index is a number literal, a `for` loop's counter, or arithmetic over them",
            );
        }
    }

    /// A number literal, a counter, or arithmetic over them.
    fn is_number(&self, expression: &Expression, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match expression {
            Expression::NumericLiteral(_) => true,
            Expression::Identifier(id) => matches!(self.resolve(&id.name), Some(Binding::Counter(_))),
            Expression::ParenthesizedExpression(inner) => self.is_number(&inner.expression, depth + 1),
            Expression::UnaryExpression(unary) => {
                matches!(
                    unary.operator,
                    UnaryOperator::UnaryNegation | UnaryOperator::UnaryPlus | UnaryOperator::BitwiseNot
                ) && self.is_number(&unary.argument, depth + 1)
            }
            Expression::BinaryExpression(binary) => {
                (binary.operator.is_arithmetic() || binary.operator.is_bitwise())
                    && self.is_number(&binary.left, depth + 1)
                    && self.is_number(&binary.right, depth + 1)
            }
            _ => false,
        }
    }

    fn arguments(&mut self, arguments: &[Argument], depth: usize) {
        for argument in arguments {
            match argument.as_expression() {
                Some(argument) => self.expression(argument, depth + 1),
                None => self.refuse(argument.span().start, "spread (`...`)", "arguments are plain values"),
            }
        }
    }

    /// What is called (or made with `new`): a name or an allowed member.
    fn callee(&mut self, callee: &Expression, depth: usize) {
        match callee {
            Expression::Identifier(_) | Expression::StaticMemberExpression(_) => self.expression(callee, depth),
            Expression::ParenthesizedExpression(inner) => self.callee(&inner.expression, depth + 1),
            other => {
                self.refuse(other.span().start, "calling this", "a page calls names and allowed members");
                self.expression(other, depth);
            }
        }
    }

    fn expression(&mut self, expression: &Expression, depth: usize) {
        let start = expression.span().start;
        if !self.within(depth, start) {
            return;
        }
        let next = depth + 1;
        match expression {
            Expression::NumericLiteral(_) | Expression::BooleanLiteral(_) | Expression::NullLiteral(_) => {}
            Expression::Identifier(id) => {
                if self.resolve(&id.name).is_none() {
                    let globals = self.allow.globals.join(", ");
                    self.refuse(
                        start,
                        &format!("`{}`", id.name),
                        &format!(
                            "a name is a parameter, a local, a function of this file, or one of the exercise's \
                             page_globals: {globals}"
                        ),
                    );
                }
            }
            Expression::ParenthesizedExpression(inner) => self.expression(&inner.expression, next),
            Expression::ArrayExpression(array) => {
                for element in &array.elements {
                    match element {
                        ArrayExpressionElement::Elision(_) => {}
                        ArrayExpressionElement::SpreadElement(spread) => {
                            self.refuse(spread.span.start, "spread (`...`)", "array elements are plain values")
                        }
                        element => {
                            if let Some(element) = element.as_expression() {
                                self.expression(element, next);
                            }
                        }
                    }
                }
            }
            Expression::UnaryExpression(unary) => match unary.operator {
                UnaryOperator::Typeof | UnaryOperator::Void | UnaryOperator::Delete => {
                    self.refuse(start, &format!("`{}`", unary.operator.as_str()), "not in a page's grammar");
                    self.expression(&unary.argument, next);
                }
                _ => self.expression(&unary.argument, next),
            },
            Expression::BinaryExpression(binary) => {
                if matches!(binary.operator, BinaryOperator::In | BinaryOperator::Instanceof) {
                    self.refuse(start, &format!("`{}`", binary.operator.as_str()), "not in a page's grammar");
                }
                self.expression(&binary.left, next);
                self.expression(&binary.right, next);
            }
            Expression::LogicalExpression(logical) => {
                self.expression(&logical.left, next);
                self.expression(&logical.right, next);
            }
            Expression::ConditionalExpression(conditional) => {
                self.expression(&conditional.test, next);
                self.expression(&conditional.consequent, next);
                self.expression(&conditional.alternate, next);
            }
            Expression::SequenceExpression(sequence) => {
                for expression in &sequence.expressions {
                    self.expression(expression, next);
                }
            }
            Expression::UpdateExpression(update) => self.target(&update.argument, next),
            Expression::AssignmentExpression(assignment) => {
                match &assignment.left {
                    AssignmentTarget::ArrayAssignmentTarget(_) | AssignmentTarget::ObjectAssignmentTarget(_) => {
                        self.refuse(start, "destructuring assignment", "assign one name or member at a time")
                    }
                    left => {
                        if let Some(left) = left.as_simple_assignment_target() {
                            self.target(left, next);
                        }
                    }
                }
                self.expression(&assignment.right, next);
            }
            Expression::StaticMemberExpression(member) if !member.optional => {
                self.expression(&member.object, next);
                self.member(&member.property.name, member.property.span.start);
            }
            Expression::ComputedMemberExpression(member) if !member.optional => {
                self.expression(&member.object, next);
                self.index(&member.expression, next);
            }
            Expression::CallExpression(call) if !call.optional => {
                self.callee(&call.callee, next);
                self.arguments(&call.arguments, next);
            }
            Expression::NewExpression(new) => {
                self.callee(&new.callee, next);
                self.arguments(&new.arguments, next);
            }
            other => self.refuse(start, describe(other), "not in a page's grammar"),
        }
    }
}

/// The names a classic `for` declares as counters: `let i = <number>` in
/// its init, changed in its update clause only as a counter changes.
fn counters(init: &ForStatementInit, update: Option<&Expression>) -> Vec<String> {
    let ForStatementInit::VariableDeclaration(declaration) = init else { return Vec::new() };
    if declaration.kind != VariableDeclarationKind::Let {
        return Vec::new();
    }
    let changes: &[Expression] = match update {
        Some(Expression::SequenceExpression(sequence)) => &sequence.expressions,
        Some(single) => std::slice::from_ref(single),
        None => &[],
    };
    let numbers = declaration.declarations.iter().filter_map(|declarator| match (&declarator.id, &declarator.init) {
        (BindingPattern::BindingIdentifier(id), Some(Expression::NumericLiteral(_))) => Some(id.name.as_str()),
        _ => None,
    });
    // Any other change of the name in the clause (`i = x`) disqualifies it.
    numbers
        .filter(|name| changes.iter().all(|change| counter_change(change) == Some(*name) || !mentions(change, name)))
        .map(str::to_string)
        .collect()
}

/// The counter that `change` moves by a number (`i++`, `--i`, `i += 2`).
fn counter_change<'e>(change: &'e Expression) -> Option<&'e str> {
    match change {
        Expression::UpdateExpression(update) => match &update.argument {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(id) => Some(id.name.as_str()),
            _ => None,
        },
        Expression::AssignmentExpression(assignment)
            if matches!(assignment.operator, AssignmentOperator::Addition | AssignmentOperator::Subtraction)
                && matches!(assignment.right, Expression::NumericLiteral(_)) =>
        {
            match &assignment.left {
                AssignmentTarget::AssignmentTargetIdentifier(id) => Some(id.name.as_str()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether an update-clause change assigns `name` some other way. The
/// clause is walked afterwards, so only its top level needs looking at.
fn mentions(change: &Expression, name: &str) -> bool {
    match change {
        Expression::UpdateExpression(update) => {
            matches!(&update.argument, SimpleAssignmentTarget::AssignmentTargetIdentifier(id) if id.name == name)
        }
        Expression::AssignmentExpression(assignment) => {
            matches!(&assignment.left, AssignmentTarget::AssignmentTargetIdentifier(id) if id.name == name)
        }
        _ => false,
    }
}

fn statement_name(statement: &Statement) -> &'static str {
    match statement {
        Statement::WithStatement(_) => "`with`",
        Statement::LabeledStatement(_) => "a label",
        Statement::BreakStatement(_) | Statement::ContinueStatement(_) => "a labelled jump",
        Statement::TryStatement(_) => "`try`",
        Statement::ThrowStatement(_) => "`throw`",
        Statement::SwitchStatement(_) => "`switch`",
        Statement::DoWhileStatement(_) => "`do … while`",
        Statement::ForInStatement(_) => "`for … in`",
        Statement::ForOfStatement(_) => "`for await`",
        Statement::DebuggerStatement(_) => "`debugger`",
        Statement::ClassDeclaration(_) => "a class",
        Statement::FunctionDeclaration(_) => "a nested function",
        Statement::ExportDefaultDeclaration(_) => "`export default`",
        Statement::ExportAllDeclaration(_)
        | Statement::ExportNamedDeclaration(_)
        | Statement::ExportFromDeclaration(_)
        | Statement::ExportDeclaration(_) => "this export",
        Statement::ImportDeclaration(_) => "`import`",
        Statement::VariableDeclaration(_)
        | Statement::ExpressionStatement(_)
        | Statement::BlockStatement(_)
        | Statement::IfStatement(_)
        | Statement::WhileStatement(_)
        | Statement::ForStatement(_)
        | Statement::ReturnStatement(_)
        | Statement::EmptyStatement(_) => "a statement",
        _ => "TypeScript syntax",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exercise 04's allowlist, as course.toml gives it.
    fn batching() -> PageAllowlist {
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        PageAllowlist {
            globals: names(&["Float64Array"]),
            members: names(&["input_buffer", "process_batch", "process_item", "length", "buffer", "set"]),
        }
    }

    fn check(source: &str) -> Vec<String> {
        check_page(source, "page.js", &batching())
    }

    /// `body` as the body of 04's exported function.
    fn page(body: &str) -> String {
        format!("export function processAll(wasm, memory, items) {{\n{body}\n}}\n")
    }

    fn accepted(source: &str) {
        assert_eq!(check(source), Vec::<String>::new(), "refused:\n{source}");
    }

    /// Refused, with a finding that says `says`.
    fn refused(source: &str, says: &str) {
        let problems = check(source);
        assert!(problems.iter().any(|p| p.contains(says)), "{source}\nnot refused for {says:?}: {problems:?}");
        assert!(problems.iter().all(|p| p.starts_with("page.js:")), "{problems:?}");
    }

    fn course_file(path: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)).unwrap()
    }

    use std::path::Path;

    #[test]
    fn the_shipped_and_reference_pages_are_accepted_with_their_course_toml_allowlists() {
        let manifest = crate::manifest::Manifest::parse(&course_file("course.toml")).unwrap();
        for dir in ["02_no_gc", "04_batching"] {
            let entry = manifest.exercises.iter().find(|e| e.dir == dir).unwrap();
            let allow = PageAllowlist { globals: entry.page_globals.clone(), members: entry.page_members.clone() };
            for path in [format!("exercises/{dir}/page.js"), format!("solutions/{dir}/page.js")] {
                assert_eq!(check_page(&course_file(&path), "page.js", &allow), Vec::<String>::new(), "{path}");
            }
        }
    }

    #[test]
    fn the_grammar_accepts_what_the_pages_need() {
        for body in [
            "const ptr = wasm.input_buffer(items.length);",
            "let n = 0; n = n + 1; n += 2; n++; --n;",
            "using view = new Float64Array(memory.buffer);",
            "new Float64Array(memory.buffer, 8, items.length).set(items);",
            "for (let i = 0; i < items.length; i++) { wasm.process_item(i, items[i]); }",
            "for (let i = 0; i < items.length; i++) wasm.process_item(i, items[i]);",
            "for (let i = 9; i >= 0; i -= 1) items[i] = items[(i + 1) * 2 % 3];",
            "for (let i = 0, j = 0; i < 3; i++, j++) items[i] = j;",
            "for (const item of items) { if (item > 0) { break; } else continue; }",
            "const blocks = [[1, 2], , [3]]; for (const [ptr, len] of blocks) wasm.process_item(ptr, len);",
            "while (items.length > 1 && !false || null === undefined) { return; }",
            "const a = (1 + 2) * 3 / 4 % 5 ** 2 | 6 & 7 ^ 8 << 1 >> 2 >>> 3; const b = ~a ? -a : +a;",
            "const view = new Float64Array(memory.buffer); const ptr = wasm.input_buffer(items.length); view.set(items, ptr / 8);",
            "return helper(items);",
            ";",
        ] {
            accepted(&(page(body) + "function helper(x) { return x; }\n"));
        }
    }

    #[test]
    fn escaped_names_are_the_names_they_spell() {
        accepted(&page("w\\u0061sm.process_batch(items.length);"));
        accepted(&page("wasm.process\\u005fbatch(1);"));
        refused(&page("\\u0064ocument.title;"), "`document` is not allowed here");
        refused(&page("wasm.constructo\\u0072;"), "the member `.constructor`");
    }

    #[test]
    fn the_attacks_on_the_word_list_are_refused() {
        // A regular expression whose `//` a word list took for a comment.
        refused(&page("void /[//]/; document.body;"), "`void`");
        refused(&page("void /[//]/; document.body;"), "a regular expression literal");
        refused(&page("void /[//]/; document.body;"), "`document`");
        // JSFuck: `[]`, `!`, `+` and `()` spell "filter", then reach Function.
        refused(&page("[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]];"), "not provably a number");
        refused(&page("[][(![]+[])[+[]]][([][(![]+[])[+[]]]+[])[3]]"), "not provably a number");
        // What is called is checked too, not only that it is called.
        refused(&page("[][(![]+[])[+[]]][(![]+[])[+[]]](items)();"), "not provably a number");
        // The results' receiver, reached as a global to skip the module.
        refused(
            &page("BatchingHost.receive_results(wasm.input_buffer(items.length), items.length);"),
            "`BatchingHost` is not allowed here",
        );
    }

    #[test]
    fn names_beyond_the_module_and_memory_are_refused() {
        for (name, source) in [
            ("globalThis", "globalThis.x;"),
            ("window", "window.x;"),
            ("document", "document.x;"),
            ("eval", "eval(items);"),
            ("Function", "Function(items);"),
            ("fetch", "fetch(items);"),
            ("arguments", "arguments.length;"),
            ("setTimeout", "setTimeout(wasm.process_batch, 0);"),
        ] {
            refused(&page(source), &format!("`{name}` is not allowed here"));
        }
        for (member, source) in [
            ("constructor", "memory.constructor;"),
            ("__proto__", "items.__proto__;"),
            ("prototype", "Float64Array.prototype;"),
            ("receive_results", "wasm.receive_results(1, 2);"),
        ] {
            refused(&page(source), &format!("the member `.{member}`"));
        }
    }

    #[test]
    fn constructs_outside_the_grammar_are_refused_by_name() {
        for (construct, source) in [
            ("`import()`", page("import(items);")),
            ("`import`", "import x from \"./y.js\";\n".to_string()),
            ("a string literal", page("wasm[\"process_batch\"];")),
            ("a template literal", page("const t = `x`;")),
            ("a tagged template", page("wasm.set`x`;")),
            ("a regular expression literal", page("const r = /x/;")),
            ("an object literal", page("const o = {};")),
            ("an arrow function", page("const f = () => 1;")),
            ("a function expression", page("const f = function () {};")),
            ("a class", "class A {}\n".to_string()),
            ("`this`", page("this.x;")),
            ("`typeof`", page("const t = typeof items;")),
            ("`void`", page("void 0;")),
            ("`delete`", page("delete items.length;")),
            ("`in`", page("const t = 1 in items;")),
            ("`instanceof`", page("const t = items instanceof Float64Array;")),
            ("optional chaining", page("wasm?.process_batch(1);")),
            ("spread", page("wasm.process_batch(...items);")),
            ("a BigInt literal", page("const n = 1n;")),
            ("`with`", "function f(o) { with (o) { x; } }\n".to_string()),
            ("a label", page("outer: for (;;) { break outer; }")),
            ("`try`", page("try { wasm.process_batch(1); } catch (e) {}")),
            ("`do … while`", page("do {} while (false);")),
            ("`for … in`", page("for (const key in wasm) {}")),
            ("this declaration", page("var x = 1;")),
            ("a nested function", page("function inner() {}")),
            ("`export default`", "export default function f() {}\n".to_string()),
            ("this export", "export const x = 1;\n".to_string()),
            ("a statement", "wasm.process_batch(1);\n".to_string()),
            ("a directive", page("\"use strict\";")),
            ("this parameter", "export function f(a = 1) {}\n".to_string()),
            ("a rest parameter", "export function f(...a) {}\n".to_string()),
            ("this destructuring", page("const { length } = items;")),
            ("destructuring assignment", page("let a = 1; [a] = items;")),
            ("assigning to `processAll`", page("processAll = 1;")),
            ("an async or generator function", "export async function f() {}\n".to_string()),
            ("calling this", page("items[0]();")),
        ] {
            refused(&source, construct);
        }
    }

    #[test]
    fn computed_access_needs_a_number_that_cannot_become_text() {
        refused(&page("const k = 0; items[k];"), "not provably a number");
        refused(&page("items[items];"), "not provably a number");
        refused(&page("for (let i = 0; i < 3; i++) { i = items; items[i]; }"), "changing the loop counter `i`");
        refused(&page("for (let i = 0; (i = items) < 3; i++) {}"), "changing the loop counter `i`");
        refused(&page("for (let i = 0; i < 3; i = items) items[i];"), "not provably a number");
        refused(&page("for (let i = 0; i < 3; i += items) items[i];"), "not provably a number");
        refused(&page("for (const i = 0; i < 3;) items[i];"), "not provably a number");
        refused(&page("for (let i = 0; i < 3; i++) {} items[i];"), "`i` is not allowed here");
        refused(&page("for (let i = 0; i < 3; i++) { let i = items; items[i]; }"), "not provably a number");
    }

    #[test]
    fn a_file_too_large_too_deep_or_unparsable_is_a_finding_where_it_happens() {
        refused(&format!("{}\n", "// x\n".repeat(20_000)), "a page may have at most 65536");
        refused(&page(&format!("{}1{}", "(".repeat(100), ")".repeat(100))), "nested deeper than 64");
        // Nesting without brackets gets past the count, not past the walk.
        refused(&page(&format!("const x = {}1;", "!".repeat(60_000))), "nesting this deep");
        refused(&page(&format!("let a = 0; {}1;", "a = ".repeat(12_000))), "nesting this deep");
        refused(&page(&format!("{};", "if (items) ".repeat(5_000))), "nesting this deep");
        let broken = check("export function f() {\n  const = 1;\n}\n");
        assert!(broken[0].starts_with("page.js:2:") && broken[0].contains("does not parse"), "{broken:?}");
        let late = check(&page("\n\n  document;"));
        assert!(late[0].starts_with("page.js:4:3: `document` is not allowed here"), "{late:?}");
    }

    #[test]
    fn a_file_written_to_be_refused_gets_a_few_findings_and_a_count() {
        let problems = check(&page(&"document;\n".repeat(100)));
        assert_eq!(problems.len(), MAX_FINDINGS + 1, "{problems:?}");
        assert_eq!(problems.last().unwrap(), &format!("page.js: and {} more", 100 - MAX_FINDINGS));
    }
}
