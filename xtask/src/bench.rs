//! (being written)
/// Placeholder until the benchmark lands.
pub fn run(_quick: bool) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
