// accessible autocomplete for [data-autocomplete] inputs (header search, target pickers)
