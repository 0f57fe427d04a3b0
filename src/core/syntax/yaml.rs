//! YAML front end: saphyr-parser events to the spanned tree.
