//! The README's "Testing your code" excerpt is `generated/examples/testing.rs` (which
//! `cargo test` compiles and whose tests it runs), so the excerpt cannot rot: its lines appear
//! in the example in the same order.

#[test]
fn the_readme_testing_excerpt_is_the_compiled_example() {
    let root = xtask::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let example = std::fs::read_to_string(root.join("generated/examples/testing.rs"))
        .expect("generated/examples/testing.rs");
    let section = readme
        .split("\n## Testing your code\n")
        .nth(1)
        .expect("the README has a \"Testing your code\" section");
    let excerpt = section
        .split("```rust,ignore\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the section has a rust,ignore code block");
    let mut lines = example.lines();
    for wanted in excerpt.lines() {
        assert!(
            lines.any(|line| line == wanted),
            "this README line is not in generated/examples/testing.rs (in this order):\n{wanted}"
        );
    }
    assert!(excerpt.contains("FinancialConnectionsSession::create(&params)"));
}
