# Kept: dot files below an overlay's root are copied.
PS1='\h\$ '
