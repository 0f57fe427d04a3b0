//! The abstract values: shapes of provenance, joined at merge points, and
//! what the analysis knows at a state's entry.

use std::sync::Arc;

use serde_json::Value;

/// What a value is made of.
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    /// Computed by the workflow (a service result, a context value).
    Computed,
    /// A literal written in the definition.
    Literal(Arc<Value>),
    /// Taken from the execution input at this path (`$.a.b` of the input).
    Input(Arc<str>),
}

/// The provenance of a value. Objects are shared (`Arc`), so passing a shape
/// from state to state costs nothing and an update copies one level.
#[derive(Clone, Debug)]
pub enum Shape {
    Leaf(Leaf),
    Object(Arc<Obj>),
}

/// Known fields, and what any other field (or array element) is. The
/// fields are a persistent map: a state that sets one field shares the
/// rest with its input, so long workflows stay linear.
#[derive(Clone, Debug)]
pub struct Obj {
    pub(super) fields: Fields,
    pub(super) rest: Shape,
    /// An upper bound of the nesting below this object.
    pub(super) depth: usize,
}

pub(super) type Fields = imbl::OrdMap<Arc<str>, Shape>;

impl PartialEq for Obj {
    fn eq(&self, other: &Obj) -> bool {
        self.rest == other.rest && (self.fields.ptr_eq(&other.fields) || self.fields == other.fields)
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Leaf(a), Shape::Leaf(b)) => a == b,
            (Shape::Object(a), Shape::Object(b)) => Arc::ptr_eq(a, b) || **a == **b,
            _ => false,
        }
    }
}

pub(super) const MAX_SHAPE_DEPTH: usize = 8;
pub(super) const MAX_TEMPLATE_DEPTH: usize = 16;

pub(super) fn object(fields: Fields, rest: Shape) -> Shape {
    let depth = 1 + fields
        .values()
        .chain(std::iter::once(&rest))
        .map(Shape::depth)
        .max()
        .unwrap_or(0);
    Shape::Object(Arc::new(Obj { fields, rest, depth }))
}

/// Appends one path segment to an input origin (`.name`, or `[*]`).
pub(super) fn push_segment(out: &mut String, seg: &str) {
    if seg == "*" {
        out.push_str("[*]");
    } else {
        out.push('.');
        out.push_str(seg);
    }
}

pub(super) fn literal(value: Value) -> Shape {
    Shape::Leaf(Leaf::Literal(Arc::new(value)))
}

impl Shape {
    pub(super) fn computed() -> Shape {
        Shape::Leaf(Leaf::Computed)
    }

    pub(super) fn child(&self, seg: &str) -> Shape {
        match self {
            Shape::Leaf(Leaf::Input(origin)) => {
                let mut out = String::from(&**origin);
                push_segment(&mut out, seg);
                Shape::Leaf(Leaf::Input(out.into()))
            }
            Shape::Leaf(Leaf::Literal(v)) => match v.get(seg) {
                Some(inner) => literal(inner.clone()),
                None => Shape::computed(),
            },
            Shape::Leaf(Leaf::Computed) => Shape::computed(),
            Shape::Object(obj) => obj.fields.get(seg).cloned().unwrap_or_else(|| obj.rest.clone()),
        }
    }

    /// The value at `segments`. Once the walk reaches an input leaf, the
    /// rest of the path is appended in one go (linear in the path's length).
    pub(super) fn select(&self, segments: &[String]) -> Shape {
        let mut current = self.clone();
        for (i, seg) in segments.iter().enumerate() {
            match current {
                Shape::Leaf(Leaf::Input(origin)) => {
                    let mut out = String::from(&*origin);
                    for seg in &segments[i..] {
                        push_segment(&mut out, seg);
                    }
                    return Shape::Leaf(Leaf::Input(out.into()));
                }
                Shape::Leaf(Leaf::Computed) => return Shape::computed(),
                _ => current = current.child(seg),
            }
        }
        current
    }

    /// The shape with the value at `segments` replaced. A path deeper than
    /// [`MAX_SHAPE_DEPTH`] stops at that depth: what lies below becomes one
    /// leaf joining the old value there with the new one, so a path of any
    /// length costs a fixed depth (and no recursion).
    pub(super) fn set(self, segments: &[String], value: Shape) -> Shape {
        let (segments, value) = if segments.len() > MAX_SHAPE_DEPTH {
            let (kept, _) = segments.split_at(MAX_SHAPE_DEPTH);
            let old = self.select(kept).summary();
            (kept, Shape::Leaf(join_leaf(&value.summary(), &old)))
        } else {
            (segments, value)
        };
        // Walk down, remembering each level's fields, then rebuild upwards.
        let mut levels: Vec<(Fields, Shape, usize, Arc<str>)> = Vec::with_capacity(segments.len());
        let mut current = self;
        for seg in segments {
            let (fields, rest, depth) = match current {
                Shape::Object(obj) => (obj.fields.clone(), obj.rest.clone(), obj.depth),
                Shape::Leaf(Leaf::Literal(v)) if v.is_object() => {
                    let fields: Fields = v
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (Arc::from(k.as_str()), literal(v.clone())))
                        .collect();
                    (fields, Shape::computed(), 1)
                }
                // Writing into a leaf: the other fields keep the leaf's provenance.
                leaf => (Fields::new(), leaf, 1),
            };
            let key: Arc<str> = Arc::from(seg.as_str());
            current = fields.get(&key).cloned().unwrap_or_else(|| rest.child(seg));
            levels.push((fields, rest, depth, key));
        }
        let mut inner = value;
        while let Some((mut fields, rest, depth, key)) = levels.pop() {
            let depth = depth.max(1 + inner.depth());
            fields.insert(key, inner);
            inner = Shape::Object(Arc::new(Obj { fields, rest, depth }));
        }
        inner
    }

    pub(super) fn join(&self, other: &Shape) -> Shape {
        self.join_at(other, 0)
    }

    pub(super) fn join_at(&self, other: &Shape, depth: usize) -> Shape {
        if self == other {
            return self.clone();
        }
        match (self, other) {
            (Shape::Leaf(a), Shape::Leaf(b)) => Shape::Leaf(join_leaf(a, b)),
            _ if depth >= MAX_SHAPE_DEPTH => Shape::Leaf(join_leaf(&self.summary(), &other.summary())),
            _ => {
                let (af, ar) = self.as_object();
                let (bf, br) = other.as_object();
                let mut fields = Fields::new();
                for key in af.keys().chain(bf.keys()) {
                    if fields.contains_key(key) {
                        continue;
                    }
                    let a = af.get(key).cloned().unwrap_or_else(|| ar.child(key));
                    let b = bf.get(key).cloned().unwrap_or_else(|| br.child(key));
                    fields.insert(key.clone(), a.join_at(&b, depth + 1));
                }
                object(fields, ar.join_at(&br, depth + 1))
            }
        }
    }

    pub(super) fn as_object(&self) -> (Fields, Shape) {
        match self {
            Shape::Object(obj) => (obj.fields.clone(), obj.rest.clone()),
            Shape::Leaf(Leaf::Literal(v)) if v.is_object() => (
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (Arc::from(k.as_str()), literal(v.clone())))
                    .collect(),
                Shape::computed(),
            ),
            leaf => (Fields::new(), leaf.clone()),
        }
    }

    /// One leaf standing for the whole value: input if any part is input.
    pub fn summary(&self) -> Leaf {
        match self {
            Shape::Leaf(l) => l.clone(),
            Shape::Object(obj) => {
                let mut stack: Vec<&Obj> = vec![obj];
                while let Some(o) = stack.pop() {
                    for s in o.fields.values().chain(std::iter::once(&o.rest)) {
                        match s {
                            Shape::Leaf(Leaf::Input(origin)) => return Leaf::Input(origin.clone()),
                            Shape::Leaf(_) => {}
                            Shape::Object(inner) => stack.push(inner),
                        }
                    }
                }
                Leaf::Computed
            }
        }
    }

    pub(super) fn depth(&self) -> usize {
        match self {
            Shape::Leaf(_) => 0,
            Shape::Object(obj) => obj.depth,
        }
    }

    /// Folds everything below the depth limit into one leaf, so loops that
    /// nest a value deeper on every turn still reach a fixed point.
    pub(super) fn depth_bounded(self) -> Shape {
        if self.depth() <= MAX_SHAPE_DEPTH {
            return self;
        }
        self.truncate(0)
    }

    pub(super) fn truncate(&self, depth: usize) -> Shape {
        match self {
            Shape::Object(_) if depth >= MAX_SHAPE_DEPTH => Shape::Leaf(self.summary()),
            Shape::Object(obj) => object(
                obj.fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.truncate(depth + 1)))
                    .collect(),
                obj.rest.truncate(depth + 1),
            ),
            leaf => leaf.clone(),
        }
    }
}

pub(super) fn join_leaf(a: &Leaf, b: &Leaf) -> Leaf {
    match (a, b) {
        (Leaf::Input(o), _) | (_, Leaf::Input(o)) => Leaf::Input(o.clone()),
        (Leaf::Literal(x), Leaf::Literal(y)) if x == y => Leaf::Literal(x.clone()),
        _ => Leaf::Computed,
    }
}

/// What the analysis knows at a state's entry.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Env {
    pub(super) input: Shape,
    pub(super) variables: imbl::OrdMap<String, Shape>,
    /// Input origins restricted by a Choice rule on every path to here.
    pub(super) validated: imbl::OrdSet<String>,
}

impl Env {
    pub(super) fn join(&self, other: &Env) -> Env {
        let mut variables = self.variables.clone();
        let shared = self.variables.ptr_eq(&other.variables);
        for (k, v) in other.variables.iter().filter(|_| !shared) {
            let joined = match variables.get(k) {
                Some(mine) => mine.join(v),
                None => v.clone(),
            };
            variables.insert(k.clone(), joined);
        }
        Env {
            input: self.input.join(&other.input),
            variables,
            validated: if self.validated.ptr_eq(&other.validated) {
                self.validated.clone()
            } else {
                self.validated.clone().intersection(other.validated.clone())
            },
        }
    }
}
