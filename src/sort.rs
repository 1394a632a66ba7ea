//! Sorting by name: one non-generic stable sort that the handlers (file
//! rotation) and the configuration (names, handlers' build order) share.
//! A leaf: it imports nothing of the crate.

/// The positions of `keys` in ascending byte order, equal keys by
/// position. The crate's sorts go through here, so the sorting code is
/// generated once rather than once per element type.
///
/// A bottom-up merge sort: stable, O(n log n), and a few hundred bytes of
/// code, where the standard library's sorts unroll the comparison into
/// kilobytes of sorting networks for each element type.
pub(crate) fn sorted_order(keys: &[&[u8]]) -> Vec<usize> {
    let n = keys.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = n.min(start + width);
            let end = n.min(mid + width);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                let take_left =
                    right == end || left < mid && keys[order[left]] <= keys[order[right]];
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// `items` in ascending byte order of `name`, equal names in their order
/// (through [`sorted_order`]: only this small wrapper is made per type).
pub(crate) fn sort_by_name<T>(items: Vec<T>, name: impl Fn(&T) -> &[u8]) -> Vec<T> {
    let order = {
        let keys: Vec<&[u8]> = items.iter().map(&name).collect();
        sorted_order(&keys)
    };
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sorted_order_is_byte_order_then_position() {
        let keys: [&[u8]; 6] = [b"b", b"a", b"", b"b", b"ab", b"a"];
        assert_eq!(sorted_order(&keys), [2, 1, 5, 4, 0, 3]);
        assert_eq!(sorted_order(&[]), Vec::<usize>::new());
        assert_eq!(sorted_order(&[b"x"]), [0]);
    }

    #[test]
    fn sort_by_name_is_stable() {
        let items = vec![("b", 1), ("a", 2), ("b", 3), ("", 4), ("a", 5)];
        let sorted = sort_by_name(items, |(n, _)| n.as_bytes());
        assert_eq!(sorted, [("", 4), ("a", 2), ("a", 5), ("b", 1), ("b", 3)]);
        assert!(sort_by_name(Vec::<&str>::new(), |n| n.as_bytes()).is_empty());
    }

    proptest! {
        #[test]
        fn sorted_order_matches_a_stable_sort(keys in proptest::collection::vec(
            proptest::collection::vec(0u8..4, 0..4), 0..40)) {
            let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
            let mut expected: Vec<usize> = (0..keys.len()).collect();
            expected.sort_by(|&a, &b| keys[a].cmp(keys[b]));
            prop_assert_eq!(sorted_order(&keys), expected);
        }
    }
}
