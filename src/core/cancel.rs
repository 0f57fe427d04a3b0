//! Cancellation between the stages of a run: the caller says, at each
//! stage boundary, whether the run should go on (the server answers from
//! a generation counter: a run superseded by a newer edit stops at the
//! next boundary instead of finishing work nobody will see).

/// The boundaries a run checks, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Before the files are parsed.
    Parse,
    /// Parsed, before definitions are linked to their roles.
    Link,
    /// Linked, before the syntax and configuration findings.
    Syntax,
    /// Before the rules of the `n`-th state machine.
    Unit(usize),
    /// Every rule ran, before the findings are finished (levels, order).
    Finish,
}

/// Asked at each stage boundary: `false` stops the run there.
pub type Proceed<'a> = &'a (dyn Fn(Stage) -> bool + Sync);

/// Goes on through every stage.
pub fn always(_: Stage) -> bool {
    true
}
