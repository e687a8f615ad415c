# Included by the top-level Makefile.  Fetches the pinned grammars into
# $(BUILD)/grammars (git-ignored) and compiles each into one relocatable
# object, parser and external scanner together, linked into tide.

GRAMMARS     := python javascript go c cpp java php rust
GRAMMAR_DIR  := $(BUILD)/grammars
GRAMMAR_OBJ  := $(GRAMMARS:%=$(GRAMMAR_DIR)/%.o)
GRAMMAR_STAMPS := $(GRAMMARS:%=$(GRAMMAR_DIR)/%/.verified)
# Generated sources every object may include; order-only prerequisite.
GRAMMAR_GEN  := $(GRAMMAR_STAMPS)

.SECONDARY: $(GRAMMAR_STAMPS)

grammars: $(GRAMMAR_OBJ)

$(GRAMMAR_DIR)/%/.verified: grammars/pins grammars/fetch
	grammars/fetch $* $(GRAMMAR_DIR)

# Generated parsers are compiled as their authors ship them: warnings off.
$(GRAMMAR_DIR)/%.o: $(GRAMMAR_DIR)/%/.verified
	@src=$$(cat $(GRAMMAR_DIR)/$*/.srcdir); objs=$(GRAMMAR_DIR)/$*/parser.o; \
	echo "CC grammar $*"; \
	$(CC) -O2 -g0 -std=gnu11 -w -fPIC -I$$src -c -o $(GRAMMAR_DIR)/$*/parser.o $$src/parser.c || exit 1; \
	if [ -f $$src/scanner.c ]; then \
	  $(CC) -O2 -g0 -std=gnu11 -w -fPIC -I$$src -c -o $(GRAMMAR_DIR)/$*/scanner.o $$src/scanner.c || exit 1; \
	  objs="$$objs $(GRAMMAR_DIR)/$*/scanner.o"; \
	fi; \
	ld -r -o $@ $$objs

# The highlight query of every grammar, as C strings: the grammar's own
# query files and ours under grammars/queries (see grammars/gen-queries).
GRAMMAR_QUERIES := $(BUILD)/gen/grammar_queries.h
GRAMMAR_GEN     += $(GRAMMAR_QUERIES)

$(GRAMMAR_QUERIES): grammars/gen-queries $(GRAMMAR_STAMPS) $(wildcard grammars/queries/*/*.scm)
	@mkdir -p $(@D)
	@echo "GEN $@"
	$(Q)grammars/gen-queries $@ $(GRAMMAR_DIR) $(GRAMMARS)
