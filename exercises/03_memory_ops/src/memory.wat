;; Exercise 03 — memory operations in WAT.
;;
;; Read README.md first. Each function below is declared and exported with
;; the right parameters, but its body is `unreachable`, which traps when it
;; runs: replace it with the instructions that do the job. `;;` starts a
;; comment.
(module
  ;; TODO: declare one page of memory and export it as "memory", so that
  ;; JavaScript can look at it through typed views.

  ;; Store $value as 4 bytes at address 0.
  (func (export "store_int") (param $value i32)
    ;; TODO: the address, then the value, then the store.
    unreachable)

  ;; Load the 4 bytes at address 0 as an i32.
  (func (export "load_int") (result i32)
    ;; TODO
    unreachable)

  ;; Store the low byte of $value at $addr — one byte, nothing else.
  (func (export "store_byte") (param $addr i32) (param $value i32)
    ;; TODO
    unreachable)

  ;; Load the byte at $addr as a number from 0 to 255.
  (func (export "load_byte") (param $addr i32) (result i32)
    ;; TODO
    unreachable)

  ;; Store $value at $addr most significant byte first (big-endian):
  ;; 0x01020304 becomes the bytes 01 02 03 04.
  (func (export "store_int_big_endian") (param $addr i32) (param $value i32)
    ;; TODO: four one-byte stores; shift each byte down into the low 8 bits.
    unreachable)
)
