/* Small string edits that config, aliases and the programs share. */
#ifndef SMTPGATE_TEXT_H
#define SMTPGATE_TEXT_H

/* Drops white space at both ends, in place; returns the new start. */
char	*str_trim(char *s);
/* Folds ASCII letters to lower case, in place; returns s. */
char	*str_lower(char *s);

#endif
