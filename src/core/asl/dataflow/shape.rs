//! The abstract values: shapes of provenance, joined at merge points, and
//! what the analysis knows at a state's entry.

use std::sync::Arc;

use serde_json::Value;

use crate::core::asl::paths::Segment;

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

/// Known fields (or array elements, keyed by index), and what any other
/// field or element is. The fields are a persistent map: a state that sets
/// one field shares the rest with its input, so long workflows stay linear.
#[derive(Clone, Debug)]
pub struct Obj {
    pub(super) fields: Fields,
    pub(super) rest: Rest,
    /// An upper bound of the nesting below this object.
    pub(super) depth: usize,
}

/// What a field or element an object does not list is.
#[derive(Clone, Debug, PartialEq)]
pub enum Rest {
    /// This value, whichever it is: an array's elements, the fields a
    /// template does not write.
    Each(Shape),
    /// That field of this value: the value a `ResultPath` wrote into, whose
    /// other fields are still there (`$.b` of the input stays `$.b`).
    Below(Leaf),
}

impl Rest {
    fn child(&self, seg: &Segment) -> Shape {
        match self {
            Rest::Each(each) => each.clone(),
            Rest::Below(leaf) => Shape::Leaf(leaf.clone()).child(seg),
        }
    }

    fn depth(&self) -> usize {
        match self {
            Rest::Each(each) => each.depth(),
            Rest::Below(_) => 0,
        }
    }

    /// Any other field or element, read as one value (the rest of a
    /// leaf stands for its fields with the leaf's provenance).
    fn any(&self) -> Shape {
        match self {
            Rest::Each(each) => each.clone(),
            Rest::Below(leaf) => Shape::Leaf(leaf.clone()),
        }
    }

    fn join_at(&self, other: &Rest, depth: usize) -> Rest {
        match (self, other) {
            (Rest::Below(a), Rest::Below(b)) => Rest::Below(join_leaf(a, b)),
            _ => Rest::Each(self.any().join_at(&other.any(), depth)),
        }
    }
}

pub(super) type Fields = imbl::OrdMap<Segment, Shape>;

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

/// An object (or array) of `fields`, every other field being `each`.
pub(super) fn object(fields: Fields, each: Shape) -> Shape {
    object_with(fields, Rest::Each(each))
}

fn object_with(fields: Fields, rest: Rest) -> Shape {
    let depth = 1 + fields
        .values()
        .map(Shape::depth)
        .max()
        .unwrap_or(0)
        .max(rest.depth());
    Shape::Object(Arc::new(Obj { fields, rest, depth }))
}

/// Appends one path segment to an input origin (`.name`, `[3]` or `[*]`).
pub(super) fn push_segment(out: &mut String, seg: &Segment) {
    seg.write(out, false);
}

pub(super) fn literal(value: Value) -> Shape {
    Shape::Leaf(Leaf::Literal(Arc::new(value)))
}

impl Shape {
    pub(super) fn computed() -> Shape {
        Shape::Leaf(Leaf::Computed)
    }

    /// The value of one field or element. A field an object does not list
    /// is what its [`Rest`] says: the same value for every element, or that
    /// field of the value written into (an input origin gains the segment).
    pub(super) fn child(&self, seg: &Segment) -> Shape {
        match self {
            Shape::Object(obj) => match obj.fields.get(seg) {
                Some(known) => known.clone(),
                None => obj.rest.child(seg),
            },
            Shape::Leaf(leaf) => leaf_child(leaf, seg),
        }
    }

    /// The value at `segments`. Once the walk reaches an input leaf, the
    /// rest of the path is appended in one go (linear in the path's length).
    pub(super) fn select(&self, segments: &[Segment]) -> Shape {
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
    pub(super) fn set(self, segments: &[Segment], value: Shape) -> Shape {
        let (segments, value) = if segments.len() > MAX_SHAPE_DEPTH {
            let (kept, _) = segments.split_at(MAX_SHAPE_DEPTH);
            let old = self.select(kept).summary();
            (kept, Shape::Leaf(join_leaf(&value.summary(), &old)))
        } else {
            (segments, value)
        };
        // Walk down, remembering each level's fields, then rebuild upwards.
        let mut levels: Vec<(Fields, Rest, usize, Segment)> = Vec::with_capacity(segments.len());
        let mut current = self;
        for seg in segments {
            let (fields, rest, depth) = match current {
                Shape::Object(obj) => (obj.fields.clone(), obj.rest.clone(), obj.depth),
                Shape::Leaf(Leaf::Literal(v)) if v.is_object() => {
                    let fields: Fields = v
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (Segment::field(k), literal(v.clone())))
                        .collect();
                    (fields, Rest::Each(Shape::computed()), 1)
                }
                // Writing into a leaf: each other field is that field of the
                // leaf (`$.b` of the input stays `$.b`).
                Shape::Leaf(leaf) => (Fields::new(), Rest::Below(leaf), 1),
            };
            let key = seg.clone();
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
                object_with(fields, ar.join_at(&br, depth + 1))
            }
        }
    }

    pub(super) fn as_object(&self) -> (Fields, Rest) {
        match self {
            Shape::Object(obj) => (obj.fields.clone(), obj.rest.clone()),
            Shape::Leaf(Leaf::Literal(v)) if v.is_object() => (
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (Segment::field(k), literal(v.clone())))
                    .collect(),
                Rest::Each(Shape::computed()),
            ),
            Shape::Leaf(leaf) => (Fields::new(), Rest::Below(leaf.clone())),
        }
    }

    /// One leaf standing for the whole value: input if any part is input.
    pub fn summary(&self) -> Leaf {
        match self {
            Shape::Leaf(l) => l.clone(),
            Shape::Object(obj) => {
                let mut stack: Vec<&Obj> = vec![obj];
                while let Some(o) = stack.pop() {
                    let rest = match &o.rest {
                        Rest::Each(each) => Some(each),
                        Rest::Below(Leaf::Input(origin)) => return Leaf::Input(origin.clone()),
                        Rest::Below(_) => None,
                    };
                    for s in o.fields.values().chain(rest) {
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
            Shape::Object(obj) => object_with(
                obj.fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.truncate(depth + 1)))
                    .collect(),
                match &obj.rest {
                    Rest::Each(each) => Rest::Each(each.truncate(depth + 1)),
                    below => below.clone(),
                },
            ),
            leaf => leaf.clone(),
        }
    }
}

fn leaf_child(leaf: &Leaf, seg: &Segment) -> Shape {
    match leaf {
        Leaf::Input(origin) => {
            let mut out = String::from(&**origin);
            push_segment(&mut out, seg);
            Shape::Leaf(Leaf::Input(out.into()))
        }
        Leaf::Literal(v) => {
            let inner = match seg {
                Segment::Field(name) => v.get(&**name),
                Segment::Index(i) => v.get(*i),
                Segment::Any => None,
            };
            match inner {
                Some(inner) => literal(inner.clone()),
                None => Shape::computed(),
            }
        }
        Leaf::Computed => Shape::computed(),
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
