module ffisan.test/out_parameter

go 1.26
