//! Spec descriptions -> rustdoc lines. Every generated doc comment passes through [`render`].
//!
//! Stripe's descriptions mix HTML (`<p>`, `<code>`, `<a href>`) and Markdown. rustdoc warns on
//! bare URLs, unclosed HTML tags and `[brackets]` that look like intra-doc links, and compiles
//! indented or fenced blocks as doctests, so each of those is neutralised here. No text is
//! invented: what the spec does not say, the docs do not say (an item it does not describe
//! gets one line that names it and says so, `items::doc_attrs_or_wire`, for `missing_docs`).

/// Renders a description as doc lines (without the leading `///`). Empty input gives no lines.
pub fn render(text: &str) -> Vec<String> {
    let text = html_to_markdown(text);
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with("```") {
            // Fenced blocks would be compiled as Rust doctests.
            out.push(if in_fence {
                "```".into()
            } else {
                "```text".into()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
        } else {
            out.push(escape_outside_code(line));
        }
    }
    if in_fence {
        out.push("```".into());
    }
    // Collapse runs of blank lines and trim blank edges.
    let mut lines: Vec<String> = Vec::new();
    for l in out {
        if l.is_empty() && lines.last().is_none_or(|p: &String| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn html_to_markdown(text: &str) -> String {
    let mut s = text.to_owned();
    for (from, to) in [
        ("<p>", ""),
        ("</p>", "\n\n"),
        ("<br>", "\n"),
        ("<br/>", "\n"),
        ("<br />", "\n"),
        ("<code>", "`"),
        ("</code>", "`"),
        ("<strong>", "**"),
        ("</strong>", "**"),
        ("<b>", "**"),
        ("</b>", "**"),
        ("<em>", "*"),
        ("</em>", "*"),
        ("<i>", "*"),
        ("</i>", "*"),
        ("<ul>", "\n"),
        ("</ul>", "\n"),
        ("<ol>", "\n"),
        ("</ol>", "\n"),
        ("<li>", "\n- "),
        ("</li>", ""),
    ] {
        s = s.replace(from, to);
    }
    // <a href="url">text</a> -> [text](url)
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(start) = rest.find("<a ") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let link = tail.find('>').and_then(|gt| {
            let open = &tail[..gt];
            let href = open
                .split("href=\"")
                .nth(1)
                .and_then(|h| h.split('"').next())?;
            let end = tail.find("</a>")?;
            let label = tail.get(gt + 1..end)?;
            Some((format!("[{label}]({href})"), end + 4))
        });
        match link {
            Some((md, used)) => {
                out.push_str(&md);
                rest = &tail[used..];
            }
            None => {
                out.push_str("&lt;a ");
                rest = &tail[3..];
            }
        }
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
}

/// Escapes everything rustdoc would misread, outside `code spans`.
fn escape_outside_code(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    // An unbalanced backtick would swallow the rest of the comment into a code span.
    if line.matches('`').count() % 2 == 1 {
        out.push('`');
    }
    out
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A Markdown link `[label](url)` is kept; its URL must not be wrapped again.
        if c == '[' {
            if let Some(close) = find_from(&chars, i + 1, ']') {
                if chars.get(close + 1) == Some(&'(') {
                    if let Some(paren) = find_from(&chars, close + 2, ')') {
                        let label: String = chars[i + 1..close].iter().collect();
                        let url: String = chars[close + 2..paren].iter().collect();
                        out.push('[');
                        out.push_str(&escape_prose(&label));
                        out.push_str("](");
                        out.push_str(&url);
                        out.push(')');
                        i = paren + 1;
                        continue;
                    }
                }
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        // An autolink `<https://...>` stays as it is; any other `<` is text, not a tag.
        if c == '<' {
            let rest: String = chars[i..].iter().take(9).collect();
            if rest.starts_with("<http://") || rest.starts_with("<https://") {
                if let Some(gt) = find_from(&chars, i, '>') {
                    out.extend(&chars[i..=gt]);
                    i = gt + 1;
                    continue;
                }
            }
            out.push_str("&lt;");
            i += 1;
            continue;
        }
        if c == '>' {
            out.push_str("&gt;");
            i += 1;
            continue;
        }
        // A bare URL is wrapped in `<...>` once, without trailing punctuation.
        let rest: String = chars[i..].iter().take(8).collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let mut end = i;
            while end < chars.len()
                && !chars[end].is_whitespace()
                && !matches!(chars[end], '<' | '>' | '"' | '`')
            {
                end += 1;
            }
            while end > i
                && matches!(
                    chars[end - 1],
                    '.' | ',' | ';' | ':' | ')' | '!' | '?' | '\''
                )
            {
                end -= 1;
            }
            out.push('<');
            out.extend(&chars[i..end]);
            out.push('>');
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn find_from(chars: &[char], from: usize, c: char) -> Option<usize> {
    chars
        .get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn html_becomes_markdown() {
        assert_eq!(
            render("<p>Retrieves the details of a Financial Connections <code>Session</code></p>"),
            ["Retrieves the details of a Financial Connections `Session`"]
        );
        assert_eq!(
            render(r#"See <a href="https://stripe.com/docs">the docs</a>."#),
            ["See [the docs](https://stripe.com/docs)."]
        );
    }

    #[test]
    fn urls_are_wrapped_exactly_once() {
        assert_eq!(
            render("Go to https://stripe.com/docs/x. Or <https://a.b>."),
            ["Go to <https://stripe.com/docs/x>. Or <https://a.b>."]
        );
        assert_eq!(
            render("The [PaymentMethod type](https://stripe.com/docs/api/payment_methods)(s)"),
            ["The [PaymentMethod type](https://stripe.com/docs/api/payment_methods)(s)"]
        );
    }

    #[test]
    fn brackets_tags_and_code_are_safe() {
        assert_eq!(render("a [b] c"), ["a \\[b\\] c"]);
        assert_eq!(
            render("use `a[0] < b` here <T>"),
            ["use `a[0] < b` here &lt;T&gt;"]
        );
        assert_eq!(render("odd ` tick"), ["odd ` tick`"]);
        assert_eq!(render("```\nx\n```"), ["```text", "x", "```"]);
    }

    #[test]
    fn indentation_and_blank_edges_are_trimmed() {
        assert_eq!(
            render("\n\nIf `category` is `cash`, one of:\n\n - `checking`\n    - `savings`\n\n\n"),
            [
                "If `category` is `cash`, one of:",
                "",
                "- `checking`",
                "- `savings`"
            ]
        );
        assert!(render("  ").is_empty());
    }
}
