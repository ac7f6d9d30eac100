//! `named_enum!`: an enum of things with fixed names (the charts, the chapters, the break-it
//! experiments, a knob's choices). Each variant's name is written once, next to it; serde's
//! name, `ALL` (every variant, in order), `NAMES`, `name()` and `from_name()` follow, so no list is
//! sized or repeated by hand.

/// ```ignore
/// named_enum! {
///     /// A chart of the page.
///     pub enum ChartId {
///         Loss = "loss",
///         /// The learning-rate finder.
///         Lr = "lr",
///     }
/// }
/// assert_eq!(ChartId::ALL, &[ChartId::Loss, ChartId::Lr]);
/// assert_eq!(ChartId::from_name("lr"), Some(ChartId::Lr));
/// ```
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every variant's name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The name serde, links, the command line and the page use.
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The variant of a name.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    named_enum! {
        /// Two things.
        pub enum Thing {
            One = "one",
            /// The second.
            TwoWords = "two-words",
        }
    }

    #[test]
    fn names_lists_and_serde_agree() {
        assert_eq!(Thing::ALL, &[Thing::One, Thing::TwoWords]);
        assert_eq!(Thing::NAMES, &["one", "two-words"]);
        for &t in Thing::ALL {
            assert_eq!(Thing::from_name(t.name()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.name());
            assert_eq!(t.to_string(), t.name());
        }
        assert_eq!(Thing::from_name("three"), None);
    }
}
