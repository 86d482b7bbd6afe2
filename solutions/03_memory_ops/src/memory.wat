;; Exercise 03 — memory operations in WAT (reference solution).
;;
;; The lesson's three functions, exported so that JavaScript can call them,
;; and two more: a one-byte load, and a store in the byte order i32.store
;; does not use.
(module
  ;; One page of 64 KiB, exported so that JavaScript can look at it.
  (memory (export "memory") 1)

  ;; Store i32 at address 0: four bytes, least significant first.
  (func (export "store_int") (param $value i32)
    i32.const 0        ;; address
    local.get $value   ;; value
    i32.store)         ;; store 4 bytes

  ;; Load i32 from address 0.
  (func (export "load_int") (result i32)
    i32.const 0        ;; address
    i32.load)          ;; load 4 bytes

  ;; Store the low byte of $value at $addr.
  (func (export "store_byte") (param $addr i32) (param $value i32)
    local.get $addr
    local.get $value
    i32.store8)        ;; store 1 byte

  ;; Load the byte at $addr as 0..=255: zero-extended, not sign-extended.
  (func (export "load_byte") (param $addr i32) (result i32)
    local.get $addr
    i32.load8_u)       ;; load 1 byte

  ;; Store $value at $addr most significant byte first (big-endian). Each
  ;; i32.store8 keeps the low byte of what it is given, so shift the wanted
  ;; byte down first; offset=N adds N to the address.
  (func (export "store_int_big_endian") (param $addr i32) (param $value i32)
    local.get $addr
    local.get $value
    i32.const 24
    i32.shr_u
    i32.store8           ;; bits 31..24 at $addr
    local.get $addr
    local.get $value
    i32.const 16
    i32.shr_u
    i32.store8 offset=1  ;; bits 23..16 at $addr + 1
    local.get $addr
    local.get $value
    i32.const 8
    i32.shr_u
    i32.store8 offset=2  ;; bits 15..8 at $addr + 2
    local.get $addr
    local.get $value
    i32.store8 offset=3) ;; bits 7..0 at $addr + 3
)
