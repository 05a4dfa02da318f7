#!/bin/bash
# run.sh DIR : build from attack.py and grade
python3 /work/attacks116/tools/mk.py /work/attacks116/$1 && /work/attacks116/tools/g.sh $1
