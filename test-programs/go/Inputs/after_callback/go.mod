module ffisan.test/after_callback

go 1.26
