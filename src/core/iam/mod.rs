//! IAM policies: the model lowered from a spanned tree, and its evaluation.
