#!/bin/sh
# Stands in for the compiler: prints its arguments on one line.
echo "$*"
