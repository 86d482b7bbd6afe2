//! GitHub's runner reading a step's log for workflow commands, modelled for
//! the tests on actions/runner (`OutputManager`, `ActionCommandManager`,
//! `ActionCommand.TryParseV2` and `TryParse`), so they judge the grader's
//! output by the runner's rules rather than by the grader's own:
//!
//! - a stream is read line by line; `\n`, `\r` and `\r\n` each end a line;
//! - a line whose text, leading whitespace trimmed, starts with `::` and
//!   has a second `::` is `::name properties::data`; otherwise `##[` anywhere
//!   in it starts `##[name properties]data`;
//! - only registered names count, compared case-insensitively;
//! - `::stop-commands::TOKEN` turns every command off until one named TOKEN.
//!
//! The runner compares with .NET's culture-sensitive `StartsWith` and
//! `IndexOf`, which skip zero-width and control characters, but cuts the
//! name at fixed offsets from where the match starts: a match that needed a
//! skipped character yields a name starting with `:` or `[`, which no
//! command has. Plain comparisons therefore find the same commands.
//!
//! Shared by the unit tests (`report::github`) and the end-to-end test of
//! the template (`tests/github_workflow.rs`, through `#[path]`).

/// A command the runner obeyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    pub properties: Vec<(String, String)>,
    pub data: String,
}

impl Command {
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Every command the runner registers (`stop-commands` is the manager's own).
const REGISTERED: &[&str] = &[
    "add-mask",
    "add-matcher",
    "add-path",
    "debug",
    "echo",
    "endgroup",
    "error",
    "group",
    "notice",
    "remove-matcher",
    "save-state",
    "set-env",
    "set-output",
    "stop-commands",
    "warning",
];

/// The commands the runner obeys in `log`, in order. The stop and resume
/// commands themselves are not listed.
pub fn commands(log: &str) -> Vec<Command> {
    let mut obeyed = Vec::new();
    let mut stopped_until: Option<String> = None;
    for line in lines(log) {
        let registered = |name: &str| {
            REGISTERED.iter().any(|known| same_name(known, name))
                || stopped_until.as_deref().is_some_and(|token| same_name(token, name))
        };
        let Some(command) = parse_v2(line, &registered).or_else(|| parse_v1(line, &registered)) else { continue };
        match &stopped_until {
            Some(token) => {
                if same_name(token, &command.name) {
                    stopped_until = None;
                }
            }
            None if same_name("stop-commands", &command.name) => stopped_until = Some(command.data),
            None => obeyed.push(command),
        }
    }
    obeyed
}

/// .NET's `StreamReader.ReadLine`.
fn lines(log: &str) -> impl Iterator<Item = &str> {
    log.split('\n').flat_map(|line| line.split('\r'))
}

/// `StringComparer.OrdinalIgnoreCase`: each character upper-cased alone,
/// so `notıce` (dotless i) is `notice`.
fn same_name(a: &str, b: &str) -> bool {
    let upper = |c: char| {
        let mut mapped = c.to_uppercase();
        match (mapped.next(), mapped.next()) {
            (Some(single), None) => single,
            _ => c,
        }
    };
    a.chars().map(upper).eq(b.chars().map(upper))
}

/// `::name key=value,key=value::data`, after the leading whitespace.
fn parse_v2(line: &str, registered: &dyn Fn(&str) -> bool) -> Option<Command> {
    let rest = line.trim_start().strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = info.split_once(' ').unwrap_or((info, ""));
    if !registered(name) {
        return None;
    }
    let property_escapes = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")];
    Some(Command {
        name: name.into(),
        properties: split_properties(properties.trim(), ',', &property_escapes),
        data: unescape(data, &[("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]),
    })
}

/// `##[name key=value;key=value]data`, anywhere in the line.
fn parse_v1(line: &str, registered: &dyn Fn(&str) -> bool) -> Option<Command> {
    let at = line.find("##[")?;
    let close = at + line[at..].find(']')?;
    let info = &line[at + 3..close];
    let (name, properties) = info.split_once(' ').unwrap_or((info, ""));
    if !registered(name) {
        return None;
    }
    let escapes = [("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%25", "%")];
    Some(Command {
        name: name.into(),
        properties: split_properties(properties, ';', &escapes),
        data: unescape(&line[close + 1..], &escapes),
    })
}

fn split_properties(text: &str, separator: char, escapes: &[(&str, &str)]) -> Vec<(String, String)> {
    text.split(separator)
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, value)| !key.is_empty() && !value.is_empty())
        .map(|(key, value)| (key.to_string(), unescape(value, escapes)))
        .collect()
}

/// The runner's unescaping: one pass per escape, in its order.
fn unescape(text: &str, escapes: &[(&str, &str)]) -> String {
    escapes.iter().fold(text.to_string(), |text, (escaped, plain)| text.replace(escaped, plain))
}
