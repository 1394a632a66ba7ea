//! Finds a configuration's entries by name, in O(log n) for many.

/// Finds a configuration's entries by name; a name defined twice means its
/// last definition, as a dict's insert would. A few names are scanned; many
/// are binary searched, so that a huge configuration is not quadratic.
pub(crate) struct Names<'a, S> {
    entries: &'a [(String, S)],
    /// Positions sorted by name, then position; empty for a few entries.
    pub(crate) order: Vec<usize>,
}

impl<'a, S> Names<'a, S> {
    const SCANNED: usize = 16;

    pub fn new(entries: &'a [(String, S)]) -> Names<'a, S> {
        let mut order = Vec::new();
        if entries.len() > Self::SCANNED {
            let keys: Vec<&[u8]> = entries.iter().map(|(n, _)| n.as_bytes()).collect();
            // Stable: equal names keep their positions' order. One sort for
            // every kind of entry, rather than one compiled per kind.
            order = crate::sort::sorted_order(&keys);
        }
        Names { entries, order }
    }

    /// The last position holding `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        if self.order.is_empty() {
            return self.entries.iter().rposition(|(n, _)| n == name);
        }
        let end = self
            .order
            .partition_point(|&i| self.entries[i].0.as_str() <= name);
        let last = *self.order[..end].last()?;
        (self.entries[last].0 == name).then_some(last)
    }
}
