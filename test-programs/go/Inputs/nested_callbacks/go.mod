module ffisan.test/nested_callbacks

go 1.26
