//! The deep size of a decoded value: its own size plus every heap block it owns, counted by
//! capacity (what the allocator handed out), found by walking the value.
//!
//! The decode-memory benchmark compares the decoder's peak heap with this number.

use mktows::{
    ArrayOfAttribute, ArrayOfLeadRecord, Attribute, ForeignSysType, LeadRecord,
    ResultGetMultipleLeads, SuccessGetMultipleLeads,
};
use mktows_runtime::Nillable;

/// Bytes a value owns on the heap (not counting its own inline size).
pub trait DeepSize {
    /// Heap bytes owned by `self`, recursively, by capacity.
    fn heap_bytes(&self) -> usize;

    /// Heap blocks (allocations) owned by `self`, recursively.
    fn heap_blocks(&self) -> usize;
}

/// `size_of_val(v)` plus [`DeepSize::heap_bytes`]: what the value takes in memory in total.
pub fn deep_size<T: DeepSize>(v: &T) -> usize {
    std::mem::size_of_val(v) + v.heap_bytes()
}

impl DeepSize for String {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
    fn heap_blocks(&self) -> usize {
        usize::from(self.capacity() > 0)
    }
}

impl DeepSize for i32 {
    fn heap_bytes(&self) -> usize {
        0
    }
    fn heap_blocks(&self) -> usize {
        0
    }
}

impl<T: DeepSize> DeepSize for Vec<T> {
    fn heap_bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>() + self.iter().map(T::heap_bytes).sum::<usize>()
    }
    fn heap_blocks(&self) -> usize {
        usize::from(self.capacity() * std::mem::size_of::<T>() > 0)
            + self.iter().map(T::heap_blocks).sum::<usize>()
    }
}

impl<T: DeepSize> DeepSize for Option<T> {
    fn heap_bytes(&self) -> usize {
        self.as_ref().map_or(0, T::heap_bytes)
    }
    fn heap_blocks(&self) -> usize {
        self.as_ref().map_or(0, T::heap_blocks)
    }
}

impl<T: DeepSize> DeepSize for Nillable<T> {
    fn heap_bytes(&self) -> usize {
        self.value().map_or(0, T::heap_bytes)
    }
    fn heap_blocks(&self) -> usize {
        self.value().map_or(0, T::heap_blocks)
    }
}

impl DeepSize for ForeignSysType {
    fn heap_bytes(&self) -> usize {
        match self {
            ForeignSysType::Unknown(s) => s.heap_bytes(),
            _ => 0,
        }
    }
    fn heap_blocks(&self) -> usize {
        match self {
            ForeignSysType::Unknown(s) => s.heap_blocks(),
            _ => 0,
        }
    }
}

impl DeepSize for Attribute {
    fn heap_bytes(&self) -> usize {
        self.attr_name.heap_bytes() + self.attr_type.heap_bytes() + self.attr_value.heap_bytes()
    }
    fn heap_blocks(&self) -> usize {
        self.attr_name.heap_blocks() + self.attr_type.heap_blocks() + self.attr_value.heap_blocks()
    }
}

impl DeepSize for ArrayOfAttribute {
    fn heap_bytes(&self) -> usize {
        self.attribute.heap_bytes()
    }
    fn heap_blocks(&self) -> usize {
        self.attribute.heap_blocks()
    }
}

impl DeepSize for LeadRecord {
    fn heap_bytes(&self) -> usize {
        self.id.heap_bytes()
            + self.email.heap_bytes()
            + self.foreign_sys_person_id.heap_bytes()
            + self.foreign_sys_type.heap_bytes()
            + self.lead_attribute_list.heap_bytes()
    }
    fn heap_blocks(&self) -> usize {
        self.id.heap_blocks()
            + self.email.heap_blocks()
            + self.foreign_sys_person_id.heap_blocks()
            + self.foreign_sys_type.heap_blocks()
            + self.lead_attribute_list.heap_blocks()
    }
}

impl DeepSize for ArrayOfLeadRecord {
    fn heap_bytes(&self) -> usize {
        self.lead_record.heap_bytes()
    }
    fn heap_blocks(&self) -> usize {
        self.lead_record.heap_blocks()
    }
}

impl DeepSize for ResultGetMultipleLeads {
    fn heap_bytes(&self) -> usize {
        self.new_stream_position.heap_bytes() + self.lead_record_list.heap_bytes()
    }
    fn heap_blocks(&self) -> usize {
        self.new_stream_position.heap_blocks() + self.lead_record_list.heap_blocks()
    }
}

impl DeepSize for SuccessGetMultipleLeads {
    fn heap_bytes(&self) -> usize {
        self.result.heap_bytes()
    }
    fn heap_blocks(&self) -> usize {
        self.result.heap_blocks()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_capacity_recursively() {
        let mut a = ArrayOfAttribute::new();
        a.attribute = Vec::with_capacity(4);
        a.attribute
            .push(Attribute::new(String::with_capacity(10), "xyz"));
        let expected = 4 * std::mem::size_of::<Attribute>() + 10 + 3;
        assert_eq!(a.heap_bytes(), expected);
        assert_eq!(
            deep_size(&a),
            std::mem::size_of::<ArrayOfAttribute>() + expected
        );
        assert_eq!(a.heap_blocks(), 3);
    }
}
