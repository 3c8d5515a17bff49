#!/bin/sh
echo hello from disco
