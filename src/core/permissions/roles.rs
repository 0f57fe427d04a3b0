//! Roles lowered for evaluation, kept between runs by the policy trees
//! they came from.

use std::sync::Arc;

use crate::core::files::FileId;
use crate::core::syntax::Node;
use crate::core::unit::PolicyDoc;

/// A role's policies, lowered and indexed for evaluation.
#[derive(Clone)]
pub struct LoweredRole {
    sources: Vec<(FileId, Arc<Node>)>,
    pub policies: Arc<Vec<crate::core::iam::Policy>>,
    pub index: Arc<crate::core::iam::PolicyIndex>,
    /// Tasks' needs as checked against this role, kept for the next run.
    pub needs: Arc<super::context::NeedMemo>,
}

impl LoweredRole {
    pub fn new(docs: &[PolicyDoc]) -> LoweredRole {
        let policies: Vec<_> = docs
            .iter()
            .map(|doc| crate::core::iam::lower_policy(doc.file, &doc.root, &|_| None))
            .collect();
        LoweredRole {
            sources: docs.iter().map(|d| (d.file, d.root.clone())).collect(),
            index: Arc::new(crate::core::iam::PolicyIndex::new(&policies)),
            policies: Arc::new(policies),
            needs: Default::default(),
        }
    }

    fn lowered_from(&self, docs: &[PolicyDoc]) -> bool {
        self.sources.len() == docs.len()
            && self
                .sources
                .iter()
                .zip(docs)
                .all(|((file, root), doc)| *file == doc.file && Arc::ptr_eq(root, &doc.root))
    }
}

/// Roles kept: a workspace's worth of state machines being edited.
const CACHE_ROLES: usize = 32;

/// Roles lowered for evaluation, by the policy trees they came from (kept
/// alive here, so a tree's address names it).
#[derive(Default)]
pub struct RoleCache {
    roles: std::sync::Mutex<Vec<LoweredRole>>,
}

impl RoleCache {
    /// The role of `docs`, lowered once per version of its policies.
    pub fn role(&self, docs: &[PolicyDoc]) -> LoweredRole {
        let mut roles = self.roles.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = roles.iter().position(|r| r.lowered_from(docs)) {
            let role = roles.remove(i);
            roles.push(role.clone());
            return role;
        }
        drop(roles);
        let role = LoweredRole::new(docs);
        let mut roles = self.roles.lock().unwrap_or_else(|e| e.into_inner());
        if roles.len() >= CACHE_ROLES {
            let oldest = roles.remove(0);
            rayon::spawn(move || drop(oldest));
        }
        roles.push(role.clone());
        role
    }
}
