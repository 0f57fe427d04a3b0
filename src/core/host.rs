//! The analysis host (rust-analyzer's `AnalysisHost`): one place that
//! keeps the work done for one run so the next one, and every request in
//! between, starts from it. It holds the parses of unchanged files, the
//! roles lowered for evaluation with each task's needs, the per-state
//! findings ([`ParseCache`]), and the last few linkings of a set of files
//! to state machines and roles. [`AnalysisHost::snapshot`] takes a set of
//! files and answers diagnostics, hover, inlay hints, completion, the
//! least-privilege policy and its code action from that same work: a
//! cursor request on text the diagnostics already saw parses and links
//! nothing again.
//!
//! Pure like the rest of the core: the caller hands in the files and
//! decides, through [`Proceed`], when a run is no longer wanted.

use std::sync::{Arc, Mutex};

use crate::core::analysis::{check_linked, Analysis, Defaults, ParseCache};
use crate::core::cancel::{self, Proceed, Stage};
use crate::core::diagnostic::{Finding, Fix};
use crate::core::files::{FileId, FileSet};
use crate::core::ide::{self, CompletionItem, PermissionHint};
use crate::core::link::{self, Linked};
use crate::core::text::TextRange;
use crate::core::unit::Unit;
use crate::core::workspace::Workspace;

/// Linkings kept: one per document being worked on, a few at a time.
const LINKINGS: usize = 8;

#[derive(Default)]
pub struct AnalysisHost {
    cache: ParseCache,
    /// The most recently used last.
    linkings: Mutex<Vec<Arc<Linking>>>,
}

/// The state machines of one set of files, linked to their roles.
struct Linking {
    /// Each file's path and text, in `FileId` order (the units name files
    /// by id).
    files: Vec<(String, Arc<str>)>,
    defaults: Defaults,
    units: Vec<Unit>,
    /// The problems found reading templates.
    findings: Vec<Finding>,
}

impl Linking {
    fn same_files(&self, files: &FileSet, defaults: &Defaults) -> bool {
        self.defaults == *defaults
            && self.files.len() == files.len()
            && files.ids().zip(&self.files).all(|(id, (path, text))| {
                let now = &files.get(id).text;
                files.path(id) == path && (Arc::ptr_eq(now, text) || **now == **text)
            })
    }

    /// Whether a file of `files` has other text here (this linking is
    /// stale, and its trees keep the parse cache from updating the file's
    /// tree in place).
    fn outdated_by(&self, files: &FileSet) -> bool {
        self.files.iter().any(|(path, text)| {
            files
                .lookup(path)
                .is_some_and(|id| !Arc::ptr_eq(&files.get(id).text, text) && *files.get(id).text != **text)
        })
    }
}

/// One set of files, parsed and linked: what every answer reads.
pub struct Snapshot<'s> {
    workspace: Workspace<'s>,
    linking: Arc<Linking>,
    /// The host's cache: lowered roles, per-state findings.
    cache: &'s ParseCache,
}

impl AnalysisHost {
    /// The parses, roles and per-state findings kept between runs.
    pub fn cache(&self) -> &ParseCache {
        &self.cache
    }

    /// `files` parsed (unchanged files from the cache) and linked (from the
    /// last linking of the same files, when there is one).
    pub fn snapshot<'s>(&'s self, files: &'s FileSet, defaults: &Defaults) -> Snapshot<'s> {
        match self.snapshot_until(files, defaults, &cancel::always) {
            Some(snapshot) => snapshot,
            None => unreachable_snapshot(self, files, defaults),
        }
    }

    /// [`AnalysisHost::snapshot`], asking `proceed` before parsing and
    /// before linking; `None` when it says stop.
    pub fn snapshot_until<'s>(
        &'s self,
        files: &'s FileSet,
        defaults: &Defaults,
        proceed: Proceed,
    ) -> Option<Snapshot<'s>> {
        if !proceed(Stage::Parse) {
            return None;
        }
        let kept = {
            let mut linkings = self.linkings.lock().unwrap_or_else(|e| e.into_inner());
            // Linkings of older text go first: they would hold the trees
            // the parse cache updates in place.
            let (stale, fresh): (Vec<_>, Vec<_>) = linkings.drain(..).partition(|l| l.outdated_by(files));
            *linkings = fresh;
            drop(stale);
            let found = linkings.iter().position(|l| l.same_files(files, defaults));
            found.map(|i| {
                let linking = linkings.remove(i);
                linkings.push(linking.clone());
                linking
            })
        };
        let workspace = Workspace::cached_with(files, Some(&self.cache.parses), defaults.clone());
        if let Some(linking) = kept {
            return Some(Snapshot {
                workspace,
                linking,
                cache: &self.cache,
            });
        }
        if !proceed(Stage::Link) {
            return None;
        }
        let (units, findings) = link::units(&workspace);
        let linking = Arc::new(Linking {
            files: files
                .ids()
                .map(|id| (files.path(id).to_string(), files.get(id).text.clone()))
                .collect(),
            defaults: defaults.clone(),
            units,
            findings,
        });
        let mut linkings = self.linkings.lock().unwrap_or_else(|e| e.into_inner());
        if linkings.len() >= LINKINGS {
            linkings.remove(0);
        }
        linkings.push(linking.clone());
        Some(Snapshot {
            workspace,
            linking,
            cache: &self.cache,
        })
    }

    /// Forgets what is kept about a file that is gone.
    pub fn forget(&self, path: &str) {
        self.cache.forget(path);
        let mut linkings = self.linkings.lock().unwrap_or_else(|e| e.into_inner());
        linkings.retain(|l| !l.files.iter().any(|(p, _)| p == path));
    }

    /// How many files' parses and how many linkings are kept.
    pub fn kept(&self) -> (usize, usize) {
        let linkings = self.linkings.lock().map(|l| l.len()).unwrap_or(0);
        (self.cache.len(), linkings)
    }
}

/// `snapshot_until` with `always` never stops; this keeps `snapshot` total
/// without a panic path all the same.
fn unreachable_snapshot<'s>(host: &'s AnalysisHost, files: &'s FileSet, defaults: &Defaults) -> Snapshot<'s> {
    let workspace = Workspace::cached_with(files, Some(&host.cache.parses), defaults.clone());
    let (units, findings) = link::units(&workspace);
    Snapshot {
        workspace,
        linking: Arc::new(Linking {
            files: Vec::new(),
            defaults: defaults.clone(),
            units,
            findings,
        }),
        cache: &host.cache,
    }
}

impl<'s> Snapshot<'s> {
    pub fn files(&self) -> &'s FileSet {
        self.workspace.files
    }

    pub fn units(&self) -> &[Unit] {
        &self.linking.units
    }

    /// The input the cursor features read.
    pub fn linked(&self) -> Linked<'_> {
        Linked {
            workspace: &self.workspace,
            units: &self.linking.units,
            roles: Some(&self.cache.roles),
        }
    }

    /// Every finding about the state machines `focus` touches (all of
    /// them for `None`), as `analyze` gives them.
    pub fn diagnostics(&self, focus: Option<&[FileId]>) -> Analysis {
        match self.diagnostics_until(focus, &cancel::always) {
            Some(analysis) => analysis,
            None => Analysis {
                findings: Vec::new(),
                covered: Default::default(),
            },
        }
    }

    /// [`Snapshot::diagnostics`], asking `proceed` between stages.
    pub fn diagnostics_until(&self, focus: Option<&[FileId]>, proceed: Proceed) -> Option<Analysis> {
        check_linked(
            &self.workspace,
            &self.linking.units,
            self.linking.findings.clone(),
            focus,
            Some(self.cache),
            proceed,
        )
    }

    pub fn hover(&self, file: FileId, offset: usize) -> Option<(TextRange, String)> {
        ide::hover(&self.linked(), file, offset)
    }

    pub fn inlay_hints(&self, file: FileId, range: TextRange) -> Vec<PermissionHint> {
        ide::permission_hints(&self.linked(), file, range)
    }

    pub fn completion(&self, file: FileId, offset: usize) -> Vec<CompletionItem> {
        ide::completion(&self.linked(), file, offset)
    }

    /// The least-privilege policy of the state machine defined in `file`.
    pub fn least_privilege(&self, file: FileId) -> Option<serde_json::Value> {
        link::least_privilege_in(&self.linked(), file)
    }

    /// The code action creating the policy file of a definition without a
    /// role.
    pub fn generate_policy(&self, file: FileId) -> Option<Fix> {
        ide::generate_policy(&self.linked(), file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const FLOW: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m"}, "End": true}}}"#;
    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}"#;

    fn files(flow: &str) -> FileSet {
        let mut files = FileSet::new();
        files.insert("/w/flow.asl.json", flow, Some(1));
        files.insert("/w/flow.policy.json", POLICY, None);
        files
    }

    #[test]
    fn requests_on_the_same_files_share_one_parse_and_one_linking() {
        let host = AnalysisHost::default();
        let set = files(FLOW);
        let first = host.snapshot(&set, &Defaults::default());
        let analysis = first.diagnostics(None);
        assert_eq!(
            analysis.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
            analyze_rules(&set)
        );
        let root = first.units()[0].definition.root.clone();
        drop(first);
        // The same text, read again (another `Arc`): no parse, no linking.
        let again = files(FLOW);
        let second = host.snapshot(&again, &Defaults::default());
        assert!(Arc::ptr_eq(&root, &second.units()[0].definition.root));
        let offset = FLOW.find("arn:aws:states").unwrap();
        let (_, text) = second.hover(FileId(0), offset).expect("a hover");
        assert!(text.starts_with("**Task `A`**"), "{text}");
        assert_eq!(host.kept(), (2, 1));
        drop((second, root));
        // Other text: linked again, and the old linking is gone.
        let edited = files(&FLOW.replace("\"m\"", "\"n\""));
        let third = host.snapshot(&edited, &Defaults::default());
        assert_eq!(third.units().len(), 1);
        assert_eq!(host.kept(), (2, 1));
        // Other defaults are another linking (a unit's region comes from them).
        let defaults = Defaults {
            region: Some("eu-west-1".into()),
            ..Defaults::default()
        };
        let fourth = host.snapshot(&edited, &defaults);
        assert_eq!(fourth.units()[0].arn.region.as_deref(), Some("eu-west-1"));
        assert_eq!(host.kept(), (2, 2));
        host.forget("/w/flow.policy.json");
        assert_eq!(host.kept(), (1, 0));
    }

    fn analyze_rules(files: &FileSet) -> Vec<&'static str> {
        crate::core::analyze(files, None)
            .findings
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_run_told_to_stop_stops_at_the_next_stage() {
        let host = AnalysisHost::default();
        let set = files(FLOW);
        for stop_at in [
            Stage::Parse,
            Stage::Link,
            Stage::Syntax,
            Stage::Unit(0),
            Stage::Finish,
        ] {
            let asked = AtomicUsize::new(0);
            let proceed = |stage: Stage| {
                asked.fetch_add(1, Ordering::SeqCst);
                stage != stop_at
            };
            let host = AnalysisHost::default();
            let outcome = host
                .snapshot_until(&set, &Defaults::default(), &proceed)
                .and_then(|s| s.diagnostics_until(None, &proceed));
            assert!(outcome.is_none(), "{stop_at:?}");
            // No stage after the one that said stop was asked.
            let order = [
                Stage::Parse,
                Stage::Link,
                Stage::Syntax,
                Stage::Unit(0),
                Stage::Finish,
            ];
            let position = order.iter().position(|s| *s == stop_at).unwrap();
            assert_eq!(asked.load(Ordering::SeqCst), position + 1, "{stop_at:?}");
        }
        let done = host
            .snapshot_until(&set, &Defaults::default(), &cancel::always)
            .and_then(|s| s.diagnostics_until(None, &cancel::always))
            .expect("not stopped");
        assert_eq!(
            done.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
            analyze_rules(&set)
        );
    }
}
