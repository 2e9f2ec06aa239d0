//! The type space: every reference resolved, every Rust name chosen. Plain data that the
//! renderer reads; built once by [`build`] from the parsed WSDL and never changed afterwards.

use crate::error::{Error, Pos, Result};
use crate::names::{Case, RustName, Scope};
use crate::parse::XS;
use crate::parse::ast::{self, MaxOccurs, QName};
use std::collections::HashMap;

/// Names the generated crate itself defines at its root, which schema types must not take.
pub const RESERVED_TYPE_NAMES: &[&str] = &["Client", "Service", "Request", "Response"];

/// The whole service, ready to render.
#[derive(Debug, Clone)]
pub struct Model {
    /// The WSDL's target namespace (`NAMESPACE` in generated code).
    pub target_namespace: String,
    /// Prefixes the envelope declares, `ns1`, `ns2`…, one per namespace of a global element used.
    pub namespaces: Vec<(String, String)>,
    /// `wsdl:service/@name`, when there is a service.
    pub service_name: Option<String>,
    /// `wsdl:portType/@name`.
    pub port_type_name: String,
    /// The address the WSDL gives (documentation only; clients never use it).
    pub address: Option<String>,
    /// Documentation of the service or port type.
    pub doc: Option<String>,
    /// Every named schema type, in document order.
    pub types: Vec<TypeDef>,
    /// Every header element bound to some operation.
    pub headers: Vec<Header>,
    /// The operations, in port type order.
    pub operations: Vec<Operation>,
    /// Names that had to change because of collisions.
    pub notes: Vec<String>,
}

/// A built-in XML Schema type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// xs:string, xs:normalizedString, xs:token → `String`.
    String,
    /// xs:anySimpleType → `String`.
    AnySimpleType,
    /// xs:int → `i32`.
    Int,
    /// xs:long and xs:integer → `i64`.
    Long,
    /// xs:short → `i16`.
    Short,
    /// xs:boolean → `bool`.
    Boolean,
    /// xs:double → `f64`.
    Double,
    /// xs:float → `f32`.
    Float,
    /// xs:dateTime → runtime `DateTime`.
    DateTime,
    /// xs:base64Binary → runtime `Base64Binary`.
    Base64Binary,
}

impl Builtin {
    fn from_local(local: &str) -> Option<Builtin> {
        Some(match local {
            "string" | "normalizedString" | "token" => Builtin::String,
            "anySimpleType" => Builtin::AnySimpleType,
            "int" => Builtin::Int,
            "integer" | "long" => Builtin::Long,
            "short" => Builtin::Short,
            "boolean" => Builtin::Boolean,
            "double" => Builtin::Double,
            "float" => Builtin::Float,
            "dateTime" => Builtin::DateTime,
            "base64Binary" => Builtin::Base64Binary,
            _ => return None,
        })
    }

    /// Whether values of this type are strings (an empty element is an empty string).
    pub fn is_string(self) -> bool {
        matches!(self, Builtin::String | Builtin::AnySimpleType)
    }
}

/// A reference to a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeRef {
    /// A built-in.
    Builtin(Builtin),
    /// Index into [`Model::types`].
    Defined(usize),
}

/// A named schema type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Its XML name.
    pub xml_name: QName,
    /// Its Rust name.
    pub rust_name: RustName,
    /// Documentation.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// The kinds of schema type the generator supports.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A complex type with a sequence (inherited fields first).
    Struct(Struct),
    /// A simple type with enumeration facets.
    Enum(Enum),
    /// An abstract complex type: one of its concrete extensions, chosen by `xsi:type`.
    Choice(Choice),
    /// A simple type restricting another without enumerating values.
    Alias {
        /// The type restricted.
        target: TypeRef,
        /// Facets, for documentation.
        facets: Vec<String>,
    },
}

/// Fields of a complex type.
#[derive(Debug, Clone)]
pub struct Struct {
    /// In wire order.
    pub fields: Vec<Field>,
    /// The abstract type this one extends, if any (index into [`Model::types`]).
    pub extends: Option<usize>,
}

/// How often an element occurs and whether it can be nil: decides the Rust field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// minOccurs=1, not nillable → `T`.
    Required,
    /// minOccurs=0, not nillable → `Option<T>`.
    Optional,
    /// minOccurs=1, nillable → `Option<T>` where None is `xsi:nil`.
    Nillable,
    /// minOccurs=0, nillable → `Nillable<T>`.
    OptionalNillable,
    /// maxOccurs>1 → `Vec<T>`.
    Repeated,
    /// maxOccurs>1, nillable → `Vec<Option<T>>`.
    RepeatedNillable,
}

/// One element of a sequence.
#[derive(Debug, Clone)]
pub struct Field {
    /// The element name on the wire.
    pub xml_name: String,
    /// The Rust field name.
    pub rust_name: RustName,
    /// Its type.
    pub ty: TypeRef,
    /// Its cardinality.
    pub occurs: Occurs,
    /// Whether the value is boxed because the type contains itself.
    pub boxed: bool,
    /// `minOccurs`, for documentation.
    pub min: u32,
    /// `maxOccurs` (None = unbounded), for documentation.
    pub max: Option<u32>,
    /// Documentation.
    pub doc: Option<String>,
}

/// An enumeration that keeps unknown values.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Known values in schema order.
    pub variants: Vec<Variant>,
    /// Name of the variant that carries any other value.
    pub unknown: RustName,
}

/// One enumeration value.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The value on the wire.
    pub value: String,
    /// The variant name.
    pub rust_name: RustName,
    /// Documentation.
    pub doc: Option<String>,
}

/// The concrete types an abstract type stands for.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Indexes into [`Model::types`] of the concrete extensions, in document order.
    pub variants: Vec<usize>,
}

/// A SOAP header element.
#[derive(Debug, Clone)]
pub struct Header {
    /// The element's QName.
    pub element: QName,
    /// Its type (a struct).
    pub ty: usize,
    /// Parameter / field name in generated code.
    pub rust_name: RustName,
    /// When the header is the signed authentication header, the fields the runtime fills.
    pub auth: Option<AuthFields>,
}

/// Field indexes of the authentication header that the runtime's signer fills in.
#[derive(Debug, Clone, Copy)]
pub struct AuthFields {
    /// `mktowsUserId`.
    pub user_id: usize,
    /// `requestSignature`.
    pub signature: usize,
    /// `requestTimestamp`.
    pub timestamp: usize,
}

/// The body element of a request or response.
#[derive(Debug, Clone)]
pub struct Body {
    /// The element's QName.
    pub element: QName,
    /// Its type.
    pub ty: usize,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The WSDL operation name.
    pub xml_name: String,
    /// Method name on the client and server trait.
    pub method: RustName,
    /// Variant name in the request/response enums.
    pub variant: RustName,
    /// Constant name of its descriptor.
    pub const_name: RustName,
    /// Documentation from the port type.
    pub doc: Option<String>,
    /// `soapAction`.
    pub soap_action: String,
    /// Request body.
    pub input: Body,
    /// Response body.
    pub output: Body,
    /// Header indexes (into [`Model::headers`]) bound to the input, in binding order.
    pub headers: Vec<usize>,
}

/// Whether the type at `from` can reach the type at `target` through fields (and abstract-type
/// variants). `through_repeated` decides whether `Vec` fields count: they do not for sizing
/// (a `Vec` has a fixed size) but do for generating values (which must terminate).
pub fn reaches(types: &[TypeDef], from: usize, target: usize, through_repeated: bool) -> bool {
    let mut stack = vec![from];
    let mut seen = vec![false; types.len()];
    while let Some(t) = stack.pop() {
        if t == target {
            return true;
        }
        if std::mem::replace(&mut seen[t], true) {
            continue;
        }
        match &types[t].kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    let repeated = matches!(f.occurs, Occurs::Repeated | Occurs::RepeatedNillable);
                    if let TypeRef::Defined(j) = f.ty
                        && (through_repeated || !repeated)
                    {
                        stack.push(j);
                    }
                }
            }
            TypeKind::Choice(c) => stack.extend(&c.variants),
            TypeKind::Alias {
                target: TypeRef::Defined(j),
                ..
            } => stack.push(*j),
            _ => {}
        }
    }
    false
}

struct Builder<'a> {
    file: &'a str,
    wsdl: &'a ast::Wsdl,
    types: Vec<TypeDef>,
    index: HashMap<QName, usize>,
    /// The declaration of each complex type, by type index (None for simple types).
    complex: Vec<Option<&'a ast::ComplexType>>,
    notes: Vec<String>,
}

/// Resolves the parsed WSDL into a [`Model`].
pub fn build(file: &str, wsdl: &ast::Wsdl) -> Result<Model> {
    let mut b = Builder {
        file,
        wsdl,
        types: Vec::new(),
        index: HashMap::new(),
        complex: Vec::new(),
        notes: Vec::new(),
    };
    b.declare_types()?;
    b.define_types()?;
    b.box_recursive_fields();
    b.finish()
}

enum Decl<'a> {
    Complex(&'a ast::ComplexType),
    Simple(&'a ast::SimpleType),
}

impl Decl<'_> {
    fn pos(&self) -> Pos {
        match self {
            Decl::Complex(c) => c.pos,
            Decl::Simple(s) => s.pos,
        }
    }
}

impl<'a> Builder<'a> {
    fn err(&self, pos: Pos, message: impl Into<String>) -> Error {
        Error::at(self.file, pos, message)
    }

    /// All named types in document order with their schema namespace.
    fn decls(&self) -> Vec<(Option<&'a str>, Decl<'a>)> {
        let mut all: Vec<(Option<&'a str>, Decl<'a>)> = Vec::new();
        for schema in &self.wsdl.schemas {
            let ns = schema.target_namespace.as_deref();
            all.extend(schema.complex_types.iter().map(|c| (ns, Decl::Complex(c))));
            all.extend(schema.simple_types.iter().map(|s| (ns, Decl::Simple(s))));
        }
        all.sort_by_key(|(_, d)| {
            let p = d.pos();
            (p.line, p.column)
        });
        all
    }

    /// First pass: give every named type an index and a Rust name, so references can resolve.
    fn declare_types(&mut self) -> Result<()> {
        let mut scope = Scope::new("type names");
        scope.reserve(RESERVED_TYPE_NAMES);
        for (ns, decl) in self.decls() {
            let (name, doc, pos) = match decl {
                Decl::Complex(c) => (&c.name, &c.doc, c.pos),
                Decl::Simple(s) => (&s.name, &s.doc, s.pos),
            };
            let qname = QName::new(ns, name);
            if self.index.contains_key(&qname) {
                return Err(self.err(pos, format!("type `{name}` is defined twice")));
            }
            self.index.insert(qname.clone(), self.types.len());
            self.complex.push(match decl {
                Decl::Complex(c) => Some(c),
                Decl::Simple(_) => None,
            });
            self.types.push(TypeDef {
                xml_name: qname,
                rust_name: scope.claim(name, Case::Type),
                doc: doc.clone(),
                // Filled in by `define_types`; an empty struct until then.
                kind: TypeKind::Struct(Struct {
                    fields: Vec::new(),
                    extends: None,
                }),
            });
        }
        self.notes.append(&mut scope.notes);
        Ok(())
    }

    fn resolve(&self, ty: &QName, pos: Pos, context: &str) -> Result<TypeRef> {
        if ty.ns.as_deref() == Some(XS) {
            return Builtin::from_local(&ty.local)
                .map(TypeRef::Builtin)
                .ok_or_else(|| {
                    self.err(
                        pos,
                        format!(
                            "{context}: built-in type xs:{} is not supported (supported: string, normalizedString, token, anySimpleType, int, integer, long, short, boolean, double, float, dateTime, base64Binary)",
                            ty.local
                        ),
                    )
                });
        }
        self.index
            .get(ty)
            .map(|&i| TypeRef::Defined(i))
            .ok_or_else(|| {
                self.err(
                    pos,
                    format!("{context}: type {ty} is not defined in the WSDL's schemas"),
                )
            })
    }

    fn complex_decl(&self, index: usize) -> Option<&'a ast::ComplexType> {
        self.complex.get(index).copied().flatten()
    }

    /// Second pass: fields, enumerations, extensions.
    fn define_types(&mut self) -> Result<()> {
        let decls = self.decls();
        let mut kinds = Vec::with_capacity(decls.len());
        for (i, (_, decl)) in decls.iter().enumerate() {
            let kind = match decl {
                Decl::Simple(s) => self.simple(s)?,
                Decl::Complex(c) if c.is_abstract => {
                    if !c.fields.is_empty() || c.base.is_some() {
                        return Err(self.err(
                            c.pos,
                            format!(
                                "abstract type `{}` with its own content or base is not supported (only an empty abstract base)",
                                c.name
                            ),
                        ));
                    }
                    let variants = self.extensions_of(i)?;
                    if variants.is_empty() {
                        return Err(self.err(
                            c.pos,
                            format!("abstract type `{}` has no concrete extension", c.name),
                        ));
                    }
                    TypeKind::Choice(Choice { variants })
                }
                Decl::Complex(c) => self.complex(c)?,
            };
            kinds.push(kind);
        }
        for (t, kind) in self.types.iter_mut().zip(kinds) {
            t.kind = kind;
        }
        Ok(())
    }

    fn simple(&mut self, s: &ast::SimpleType) -> Result<TypeKind> {
        let context = format!("simpleType `{}`", s.name);
        let target = self.resolve(&s.base, s.pos, &context)?;
        if s.enumeration.is_empty() {
            return Ok(TypeKind::Alias {
                target,
                facets: s.facets.clone(),
            });
        }
        match target {
            TypeRef::Builtin(b) if b.is_string() => {}
            _ => {
                return Err(self.err(
                    s.pos,
                    format!(
                        "{context}: enumerations are supported on xs:string only (base is {})",
                        s.base
                    ),
                ));
            }
        }
        let mut scope = Scope::new(format!("variants of `{}`", s.name));
        let mut seen = std::collections::HashSet::new();
        let mut variants = Vec::new();
        for v in &s.enumeration {
            if !seen.insert(v.value.as_str()) {
                return Err(self.err(
                    v.pos,
                    format!("{context}: value `{}` is listed twice", v.value),
                ));
            }
            variants.push(Variant {
                value: v.value.clone(),
                rust_name: scope.claim(&v.value, Case::Type),
                doc: v.doc.clone(),
            });
        }
        // The catch-all variant takes the first of these names no listed value uses.
        let unknown_name = ["Unknown", "UnknownValue", "Other"]
            .into_iter()
            .find(|n| !scope.is_taken(n))
            .unwrap_or("Unknown");
        let unknown = scope.claim(unknown_name, Case::Type);
        self.notes.append(&mut scope.notes);
        Ok(TypeKind::Enum(Enum { variants, unknown }))
    }

    /// Concrete types whose base chain reaches the type at `base`.
    fn extensions_of(&self, base: usize) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        for i in 0..self.types.len() {
            if i == base {
                continue;
            }
            let Some(decl) = self.complex_decl(i) else {
                continue;
            };
            if decl.is_abstract {
                continue;
            }
            if self.base_chain(decl)?.contains(&base) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Indexes of the bases of `decl`, nearest first; errors on cycles and non-complex bases.
    fn base_chain(&self, decl: &ast::ComplexType) -> Result<Vec<usize>> {
        let mut chain = Vec::new();
        let mut current = decl;
        while let Some(base) = &current.base {
            let context = format!("base of complexType `{}`", current.name);
            let TypeRef::Defined(i) = self.resolve(base, current.base_pos, &context)? else {
                return Err(self.err(
                    current.base_pos,
                    format!(
                        "{context}: extending a built-in type (simple content) is not supported"
                    ),
                ));
            };
            if chain.contains(&i) {
                return Err(self.err(
                    decl.pos,
                    format!(
                        "complexType `{}` extends itself (through {base})",
                        decl.name
                    ),
                ));
            }
            chain.push(i);
            current = self.complex_decl(i).ok_or_else(|| {
                self.err(
                    current.base_pos,
                    format!("{context}: {base} is a simple type, not a complex type"),
                )
            })?;
        }
        Ok(chain)
    }

    fn complex(&mut self, c: &ast::ComplexType) -> Result<TypeKind> {
        let chain = self.base_chain(c)?;
        let mut extends = None;
        // Inherited fields come first, farthest base first, as on the wire.
        let mut decls: Vec<&ast::ElementDecl> = Vec::new();
        for &base in chain.iter().rev() {
            let Some(b) = self.complex_decl(base) else {
                continue;
            };
            if b.is_abstract {
                extends = Some(base);
            } else {
                return Err(self.err(
                    c.base_pos,
                    format!(
                        "complexType `{}` extends the non-abstract type `{}`: only extensions of an abstract type are supported",
                        c.name, b.name
                    ),
                ));
            }
            decls.extend(&b.fields);
        }
        decls.extend(&c.fields);
        let mut scope = Scope::new(format!("fields of `{}`", c.name));
        let mut seen = std::collections::HashSet::new();
        let mut fields = Vec::new();
        for e in decls {
            if !seen.insert(e.name.as_str()) {
                return Err(self.err(
                    e.pos,
                    format!(
                        "complexType `{}`: element `{}` appears twice",
                        c.name, e.name
                    ),
                ));
            }
            let context = format!("element `{}` of `{}`", e.name, c.name);
            let ty = self.resolve(&e.ty, e.pos, &context)?;
            let repeated = match e.max {
                MaxOccurs::Unbounded => true,
                MaxOccurs::Bounded(n) => n > 1,
            };
            let occurs = match (repeated, e.min, e.nillable) {
                (true, _, false) => Occurs::Repeated,
                (true, _, true) => Occurs::RepeatedNillable,
                (false, 0, false) => Occurs::Optional,
                (false, 0, true) => Occurs::OptionalNillable,
                (false, _, false) => Occurs::Required,
                (false, _, true) => Occurs::Nillable,
            };
            fields.push(Field {
                xml_name: e.name.clone(),
                rust_name: scope.claim(&e.name, Case::Value),
                ty,
                occurs,
                boxed: false,
                min: e.min,
                max: match e.max {
                    MaxOccurs::Unbounded => None,
                    MaxOccurs::Bounded(n) => Some(n),
                },
                doc: e.doc.clone(),
            });
        }
        self.notes.append(&mut scope.notes);
        Ok(TypeKind::Struct(Struct { fields, extends }))
    }

    fn box_recursive_fields(&mut self) {
        let mut boxes = Vec::new();
        for (i, t) in self.types.iter().enumerate() {
            if let TypeKind::Struct(s) = &t.kind {
                for (k, f) in s.fields.iter().enumerate() {
                    if let TypeRef::Defined(j) = f.ty {
                        let sized_by_vec =
                            matches!(f.occurs, Occurs::Repeated | Occurs::RepeatedNillable);
                        if !sized_by_vec && reaches(&self.types, j, i, false) {
                            boxes.push((i, k));
                        }
                    }
                }
            }
        }
        for (i, k) in boxes {
            if let TypeKind::Struct(s) = &mut self.types[i].kind {
                s.fields[k].boxed = true;
            }
        }
    }

    fn message(&self, name: &QName, pos: Pos) -> Result<&'a ast::Message> {
        let tns = self.wsdl.target_namespace.as_deref();
        self.wsdl
            .messages
            .iter()
            .find(|m| m.name == name.local && name.ns.as_deref() == tns)
            .ok_or_else(|| self.err(pos, format!("message {name} is not defined")))
    }

    fn element_type(&self, element: &QName, pos: Pos, context: &str) -> Result<usize> {
        let decl = self
            .wsdl
            .schemas
            .iter()
            .filter(|s| s.target_namespace.as_deref() == element.ns.as_deref())
            .flat_map(|s| &s.elements)
            .find(|e| e.name == element.local)
            .ok_or_else(|| {
                self.err(
                    pos,
                    format!("{context}: global element {element} is not declared in the schemas"),
                )
            })?;
        match self.resolve(&decl.ty, decl.pos, &format!("element `{}`", decl.name))? {
            TypeRef::Defined(i)
                if matches!(
                    self.types[i].kind,
                    TypeKind::Struct(_) | TypeKind::Choice(_)
                ) =>
            {
                Ok(i)
            }
            _ => Err(self.err(
                decl.pos,
                format!(
                    "{context}: element `{}` must have a complex type to be a SOAP body or header",
                    decl.name
                ),
            )),
        }
    }

    fn auth_fields(&self, ty: usize) -> Option<AuthFields> {
        let TypeKind::Struct(s) = &self.types[ty].kind else {
            return None;
        };
        let find = |name: &str| {
            s.fields.iter().position(|f| {
                f.xml_name == name
                    && f.occurs == Occurs::Required
                    && f.ty == TypeRef::Builtin(Builtin::String)
            })
        };
        let fields = AuthFields {
            user_id: find("mktowsUserId")?,
            signature: find("requestSignature")?,
            timestamp: find("requestTimestamp")?,
        };
        // Any other required field would have to come from the caller: then it is not a header
        // the signer can fill alone.
        let others_optional = s.fields.iter().enumerate().all(|(k, f)| {
            [fields.user_id, fields.signature, fields.timestamp].contains(&k)
                || f.occurs != Occurs::Required
        });
        others_optional.then_some(fields)
    }

    fn binding(&self) -> Result<&'a ast::Binding> {
        let bindings = &self.wsdl.bindings;
        match bindings.len() {
            0 => Err(Error::at(
                self.file,
                Pos { line: 1, column: 1 },
                "no SOAP 1.1 <wsdl:binding> found (document/literal over HTTP is required)",
            )),
            1 => Ok(&bindings[0]),
            _ => {
                let used: Vec<&ast::Binding> = bindings
                    .iter()
                    .filter(|b| {
                        self.wsdl
                            .services
                            .iter()
                            .flat_map(|s| &s.ports)
                            .any(|p| p.binding.local == b.name)
                    })
                    .collect();
                match used.as_slice() {
                    [one] => Ok(one),
                    _ => Err(self.err(
                        bindings[1].pos,
                        "several SOAP 1.1 bindings: only one binding per WSDL is supported",
                    )),
                }
            }
        }
    }

    fn finish(mut self) -> Result<Model> {
        let binding = self.binding()?;
        let port_type = self
            .wsdl
            .port_types
            .iter()
            .find(|p| p.name == binding.port_type.local)
            .ok_or_else(|| {
                self.err(
                    binding.pos,
                    format!(
                        "binding `{}`: port type {} is not defined",
                        binding.name, binding.port_type
                    ),
                )
            })?;
        let mut methods = Scope::new("operation methods");
        methods.reserve(&["new", "runtime", "into_runtime"]);
        let mut variants = Scope::new("operation variants");
        let mut consts = Scope::new("operation constants");
        let mut header_names = Scope::new("header parameters");
        header_names.reserve(&["params"]);
        let mut headers: Vec<Header> = Vec::new();
        let mut operations = Vec::new();
        let mut namespaces: Vec<(String, String)> = Vec::new();
        let mut note_ns = |ns: &Option<String>| {
            if let Some(ns) = ns
                && !namespaces.iter().any(|(_, u)| u == ns)
            {
                namespaces.push((format!("ns{}", namespaces.len() + 1), ns.clone()));
            }
        };
        for bop in &binding.operations {
            if !port_type.operations.iter().any(|o| o.name == bop.name) {
                return Err(self.err(
                    bop.pos,
                    format!(
                        "binding operation `{}` is not in port type `{}`",
                        bop.name, port_type.name
                    ),
                ));
            }
        }
        for op in &port_type.operations {
            let bop = binding
                .operations
                .iter()
                .find(|b| b.name == op.name)
                .ok_or_else(|| {
                    self.err(
                        op.pos,
                        format!("operation `{}` has no SOAP binding operation", op.name),
                    )
                })?;
            if !bop.output.headers.is_empty() {
                return Err(self.err(
                    bop.output.headers[0].pos,
                    format!(
                        "operation `{}`: response headers are not supported",
                        op.name
                    ),
                ));
            }
            let mut op_headers = Vec::new();
            for h in &bop.input.headers {
                let msg = self.message(&h.message, h.pos)?;
                let part = msg.parts.iter().find(|p| p.name == h.part).ok_or_else(|| {
                    self.err(
                        h.pos,
                        format!("message `{}` has no part `{}`", msg.name, h.part),
                    )
                })?;
                let idx = match headers.iter().position(|x| x.element == part.element) {
                    Some(i) => i,
                    None => {
                        let ty = self.element_type(
                            &part.element,
                            part.pos,
                            &format!("header of `{}`", op.name),
                        )?;
                        if !matches!(self.types[ty].kind, TypeKind::Struct(_)) {
                            return Err(self.err(
                                part.pos,
                                "a header element with an abstract type is not supported",
                            ));
                        }
                        let auth = self.auth_fields(ty);
                        let base = part.element.local.trim_end_matches("Header");
                        let base = if base.is_empty() {
                            &part.element.local
                        } else {
                            base
                        };
                        headers.push(Header {
                            element: part.element.clone(),
                            ty,
                            rust_name: header_names.claim(base, Case::Value),
                            auth,
                        });
                        note_ns(&part.element.ns);
                        headers.len() - 1
                    }
                };
                if op_headers.contains(&idx) {
                    return Err(self.err(
                        h.pos,
                        format!(
                            "operation `{}` binds header {} twice",
                            op.name, part.element
                        ),
                    ));
                }
                if headers[idx].auth.is_some()
                    && op_headers
                        .iter()
                        .any(|&o: &usize| headers[o].auth.is_some())
                {
                    return Err(self.err(
                        h.pos,
                        format!("operation `{}` has two authentication headers", op.name),
                    ));
                }
                op_headers.push(idx);
            }
            let body = |io: &ast::BindingIo, message: &QName, what: &str| -> Result<Body> {
                let msg = self.message(message, op.pos)?;
                let header_parts: Vec<&str> = io
                    .headers
                    .iter()
                    .filter(|h| h.message.local == msg.name)
                    .map(|h| h.part.as_str())
                    .collect();
                let parts: Vec<&ast::Part> = msg
                    .parts
                    .iter()
                    .filter(|p| match &io.body_parts {
                        Some(names) => names.iter().any(|n| n == &p.name),
                        None => !header_parts.contains(&p.name.as_str()),
                    })
                    .collect();
                let [part] = parts.as_slice() else {
                    return Err(self.err(
                        msg.pos,
                        format!(
                            "operation `{}`: the {what} body must be exactly one part, found {}",
                            op.name,
                            parts.len()
                        ),
                    ));
                };
                Ok(Body {
                    element: part.element.clone(),
                    ty: self.element_type(
                        &part.element,
                        part.pos,
                        &format!("{what} of `{}`", op.name),
                    )?,
                })
            };
            let input = body(&bop.input, &op.input, "request")?;
            // The server picks the operation by the request's body element, so two operations
            // sharing one could never both be reached.
            if let Some(other) = operations
                .iter()
                .find(|o: &&Operation| o.input.element == input.element)
            {
                return Err(self.err(
                    op.pos,
                    format!(
                        "operations `{}` and `{}` both take the body element {}: a server could not tell them apart",
                        other.xml_name, op.name, input.element
                    ),
                ));
            }
            let output = body(&bop.output, &op.output, "response")?;
            note_ns(&input.element.ns);
            note_ns(&output.element.ns);
            operations.push(Operation {
                xml_name: op.name.clone(),
                method: methods.claim(&op.name, Case::Value),
                variant: variants.claim(&op.name, Case::Type),
                const_name: consts.claim(&op.name, Case::Const),
                doc: op.doc.clone(),
                soap_action: bop.soap_action.clone(),
                input,
                output,
                headers: op_headers,
            });
        }
        for scope in [methods, variants, consts, header_names] {
            self.notes.extend(scope.notes);
        }
        let target_namespace =
            self.wsdl.target_namespace.clone().ok_or_else(|| {
                Error::file(self.file, "<wsdl:definitions> has no targetNamespace")
            })?;
        let service = self.wsdl.services.first();
        Ok(Model {
            target_namespace,
            namespaces,
            service_name: service.map(|s| s.name.clone()),
            port_type_name: port_type.name.clone(),
            address: service
                .and_then(|s| s.ports.iter().find(|p| p.binding.local == binding.name))
                .and_then(|p| p.address.clone()),
            doc: service
                .and_then(|s| s.doc.clone())
                .or_else(|| port_type.doc.clone())
                .or_else(|| self.wsdl.doc.clone()),
            types: self.types,
            headers,
            operations,
            notes: self.notes,
        })
    }
}

#[cfg(test)]
mod tests;
