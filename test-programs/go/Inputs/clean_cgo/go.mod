module ffisan.test/clean_cgo

go 1.26
