//! The nearest names to a mistyped one, for every "did you mean" (a resource in
//! `spec/select.yaml`, a name given to `select add`): edit distance (insertions, deletions,
//! substitutions and swaps of two neighbours, each costing one), case aside.

/// Up to three of `candidates` nearest to `name`, nearest first (ties by name): those within
/// a third of the longer name's length (at least 2), so `paymentintent` finds
/// `payment_intent` and `zzz` finds nothing. Failing that, those that contain `name` or that
/// it contains (`session` finds every `*.session`), shortest first.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let name = name.to_ascii_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let mut close: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|&c| {
            let d = distance(&name, &c.to_ascii_lowercase());
            let limit = (name.len().max(c.len()) / 3).max(2);
            (d <= limit).then_some((d, c))
        })
        .collect();
    if close.is_empty() && name.len() >= 3 {
        close = candidates
            .iter()
            .filter(|c| {
                let c = c.to_ascii_lowercase();
                c.contains(&name) || name.contains(&c)
            })
            .map(|&c| (c.len(), c))
            .collect();
    }
    close.sort();
    close.into_iter().take(3).map(|(_, c)| c).collect()
}

/// The optimal string alignment distance between `a` and `b`, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two back (for swaps), the previous one and this one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let substitute = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(row[j - 1] + 1)
                .min(previous[j - 1] + substitute);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: &[&str] = &[
        "customer",
        "customer_session",
        "financial_connections.account",
        "financial_connections.session",
        "checkout.session",
        "payment_intent",
        "payment_method",
        "setup_intent",
        "v2.core.account",
        "v2.core.event",
    ];

    #[test]
    fn distances() {
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("abc", "", 3),
            ("customer", "customer", 0),
            ("custmer", "customer", 1),
            ("cutsomer", "customer", 1),
            ("paymentintent", "payment_intent", 1),
            ("payment-intent", "payment_intent", 1),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
        ] {
            assert_eq!(distance(a, b), d, "{a} -> {b}");
            assert_eq!(distance(b, a), d, "{b} -> {a}");
        }
    }

    #[test]
    fn nearest_names() {
        let near = |name| nearest(name, IDS.iter().copied());
        assert_eq!(near("payment_intnet"), ["payment_intent"]);
        assert_eq!(near("paymentintent"), ["payment_intent"]);
        assert_eq!(near("Customer"), ["customer"]);
        assert_eq!(near("customers"), ["customer"]);
        assert_eq!(
            near("financial_connections_session"),
            [
                "financial_connections.session",
                "financial_connections.account"
            ]
        );
        assert_eq!(near("v2.core.acount"), ["v2.core.account", "v2.core.event"]);
        // Nothing close: names containing it, shortest first.
        assert_eq!(
            near("session"),
            [
                "checkout.session",
                "customer_session",
                "financial_connections.session"
            ]
        );
        assert!(near("zzz").is_empty());
        assert!(near("").is_empty());
        assert!(nearest("customer", []).is_empty());
    }
}
