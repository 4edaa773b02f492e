//! Parses printf and scanf format strings, narrow or wide, into directives: position (`%2$s`),
//! flags, width and precision (`*` and `*3$` included), length modifier, conversion, scanf's `*`
//! and `m`. It reads one character at a time and allocates nothing; a directive it does not know
//! (a conversion registered with `register_printf_function`, a malformed one) ends the walk, so
//! the checks stop there rather than guess which argument comes next.

/// A character of a format string: `char` or `wchar_t`.
pub trait FormatChar: Copy {
    fn code(self) -> u32;
}

impl FormatChar for libc::c_char {
    fn code(self) -> u32 {
        self as u8 as u32
    }
}

impl FormatChar for i32 {
    fn code(self) -> u32 {
        self as u32
    }
}

/// A width or precision.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Amount {
    None,
    Fixed(u32),
    /// `*`: taken from an int argument, the next one or the one at this position (1-based).
    Star(u32),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Length {
    None,
    Hh,
    H,
    L,
    /// `ll` and `q` (and `L` on an integer conversion, as glibc reads it).
    Ll,
    J,
    Z,
    T,
    /// `L`: long double.
    BigL,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Directive {
    /// `n$`: the argument's position (1-based); 0 when it is the next one.
    pub position: u32,
    pub width: Amount,
    pub precision: Amount,
    pub length: Length,
    /// The conversion character (`s`, `d`, `[`, ...); `%` for `%%`.
    pub conversion: u8,
    /// scanf's `*`: converted, not assigned.
    pub suppressed: bool,
    /// scanf's `m`: libc allocates the string and stores its pointer.
    pub allocates: bool,
}

impl Directive {
    /// `%ls`, `%S`, `%lc`, `%C`, `%l[`: wide characters.
    pub fn is_wide(&self) -> bool {
        matches!(self.conversion, b'S' | b'C') || self.length == Length::L
    }

    /// Whether the directive names argument positions (`%1$d`, `*2$`).
    pub fn is_positional(&self) -> bool {
        self.position != 0
            || matches!(self.width, Amount::Star(p) if p != 0)
            || matches!(self.precision, Amount::Star(p) if p != 0)
    }
}

/// The `printf` or `scanf` grammar.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Grammar {
    Printf,
    Scanf,
}

const PRINTF_CONVERSIONS: &[u8] = b"diouxXeEfFgGaAcsSCpnm%bB";
const SCANF_CONVERSIONS: &[u8] = b"diouxXeEfFgGaAcsSCpn[%b";

struct Cursor<T: FormatChar> {
    p: *const T,
}

impl<T: FormatChar> Cursor<T> {
    unsafe fn peek(&self) -> u32 {
        (*self.p).code()
    }
    unsafe fn bump(&mut self) -> u32 {
        let c = self.peek();
        self.p = self.p.add(1);
        c
    }
    unsafe fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == c as u32;
        if found {
            self.p = self.p.add(1);
        }
        found
    }
    /// A decimal number, if digits follow (saturating, never past u32).
    unsafe fn number(&mut self) -> Option<u32> {
        let mut n: Option<u32> = None;
        while let Some(d) = char::from_u32(self.peek()).and_then(|c| c.to_digit(10)) {
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d));
            self.p = self.p.add(1);
        }
        n
    }
    /// `n$` if a position follows here; otherwise the cursor does not move.
    unsafe fn position(&mut self) -> u32 {
        let start = self.p;
        match self.number() {
            Some(n) if n > 0 && self.eat(b'$') => n,
            _ => {
                self.p = start;
                0
            }
        }
    }
    /// A width or precision after its `.`: digits, `*` or `*n$`.
    unsafe fn amount(&mut self) -> Amount {
        if self.eat(b'*') {
            return Amount::Star(self.position());
        }
        self.number().map_or(Amount::None, Amount::Fixed)
    }
    unsafe fn length(&mut self) -> Length {
        match self.peek() as u8 as char {
            _ if self.peek() > 0x7f => Length::None,
            'h' => {
                self.bump();
                if self.eat(b'h') {
                    Length::Hh
                } else {
                    Length::H
                }
            }
            'l' => {
                self.bump();
                if self.eat(b'l') {
                    Length::Ll
                } else {
                    Length::L
                }
            }
            'q' => {
                self.bump();
                Length::Ll
            }
            'L' => {
                self.bump();
                Length::BigL
            }
            'j' => {
                self.bump();
                Length::J
            }
            'z' | 'Z' => {
                self.bump();
                Length::Z
            }
            't' => {
                self.bump();
                Length::T
            }
            _ => Length::None,
        }
    }
    /// Skips a scanset after its `[`: `]` right after `[` or `[^` belongs to the set.
    unsafe fn skip_scanset(&mut self) -> bool {
        self.eat(b'^');
        self.eat(b']');
        loop {
            match self.bump() {
                0 => return false,
                c if c == b']' as u32 => return true,
                _ => {}
            }
        }
    }
}

/// One directive after its `%`; None at a directive the grammar does not know.
unsafe fn directive<T: FormatChar>(c: &mut Cursor<T>, grammar: Grammar) -> Option<Directive> {
    let mut d = Directive {
        position: 0,
        width: Amount::None,
        precision: Amount::None,
        length: Length::None,
        conversion: 0,
        suppressed: false,
        allocates: false,
    };
    if c.eat(b'%') {
        d.conversion = b'%';
        return Some(d);
    }
    d.position = c.position();
    match grammar {
        Grammar::Printf => {
            while matches!(
                char::from_u32(c.peek()),
                Some('-' | '+' | ' ' | '#' | '0' | '\'' | 'I')
            ) {
                c.bump();
            }
            d.width = c.amount();
            if c.eat(b'.') {
                d.precision = match c.amount() {
                    Amount::None => Amount::Fixed(0), // `%.s`: precision 0
                    a => a,
                };
            }
        }
        Grammar::Scanf => {
            d.suppressed = c.eat(b'*');
            d.width = c.number().map_or(Amount::None, Amount::Fixed);
            d.allocates = c.eat(b'm');
        }
    }
    d.length = c.length();
    let conversion = c.bump();
    let known = match grammar {
        Grammar::Printf => PRINTF_CONVERSIONS,
        Grammar::Scanf => SCANF_CONVERSIONS,
    };
    if conversion > 0x7f || !known.contains(&(conversion as u8)) {
        return None;
    }
    d.conversion = conversion as u8;
    // glibc reads `L` on an integer conversion as `ll`.
    if d.length == Length::BigL && b"diouxXbBn".contains(&d.conversion) {
        d.length = Length::Ll;
    }
    if d.conversion == b'[' && !c.skip_scanset() {
        return None;
    }
    Some(d)
}

/// Calls `each` with the format's directives in order while it returns true; stops at the end of
/// the format or at a directive the grammar does not know.
pub unsafe fn for_each_directive<T: FormatChar>(
    format: *const T,
    grammar: Grammar,
    mut each: impl FnMut(&Directive) -> bool,
) {
    let mut c = Cursor { p: format };
    loop {
        match c.bump() {
            0 => return,
            ch if ch == b'%' as u32 => match directive(&mut c, grammar) {
                Some(d) => {
                    if !each(&d) {
                        return;
                    }
                }
                None => return,
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(format: &str, grammar: Grammar) -> Vec<Directive> {
        let mut bytes: Vec<libc::c_char> = format.bytes().map(|b| b as libc::c_char).collect();
        bytes.push(0);
        let mut out = Vec::new();
        unsafe {
            for_each_directive(bytes.as_ptr(), grammar, |d| {
                out.push(*d);
                true
            })
        };
        out
    }

    #[test]
    fn printf_flags_width_precision_and_length() {
        let d = parse("x=%-+08.3lld%%", Grammar::Printf);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].conversion, b'd');
        assert_eq!(d[0].width, Amount::Fixed(8));
        assert_eq!(d[0].precision, Amount::Fixed(3));
        assert_eq!(d[0].length, Length::Ll);
        assert_eq!(d[1].conversion, b'%');
        let d = parse("%*.*s %.s %hhn %Lf %zu", Grammar::Printf);
        assert_eq!(d[0].width, Amount::Star(0));
        assert_eq!(d[0].precision, Amount::Star(0));
        assert_eq!(d[1].precision, Amount::Fixed(0));
        assert_eq!(d[2].length, Length::Hh);
        assert_eq!(d[3].length, Length::BigL);
        assert_eq!(d[4].length, Length::Z);
    }

    #[test]
    fn printf_positions() {
        let d = parse("%2$s %1$*3$.*4$d", Grammar::Printf);
        assert_eq!(d[0].position, 2);
        assert_eq!(d[1].position, 1);
        assert_eq!(d[1].width, Amount::Star(3));
        assert_eq!(d[1].precision, Amount::Star(4));
        assert!(d[1].is_positional());
        // A width is not a position without its `$`.
        let d = parse("%12s", Grammar::Printf);
        assert_eq!((d[0].position, d[0].width), (0, Amount::Fixed(12)));
    }

    #[test]
    fn unknown_conversions_end_the_walk() {
        let d = parse("%d %Q %s", Grammar::Printf);
        assert_eq!(d.len(), 1);
        let d = parse("%d %", Grammar::Printf);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn scanf_suppression_width_allocation_and_scansets() {
        let d = parse("%*d %10s %ms %[]a-z] %[^,]%n %5lc", Grammar::Scanf);
        assert_eq!(d.len(), 7);
        assert!(d[0].suppressed);
        assert_eq!(d[1].width, Amount::Fixed(10));
        assert!(d[2].allocates);
        assert_eq!(d[3].conversion, b'[');
        assert_eq!(d[4].conversion, b'[');
        assert_eq!(d[5].conversion, b'n');
        assert!(d[6].is_wide());
        assert_eq!(parse("%[abc", Grammar::Scanf).len(), 0);
    }

    #[test]
    fn wide_formats() {
        let wide: Vec<i32> = "%ls %d\0".chars().map(|c| c as i32).collect();
        let mut out = Vec::new();
        unsafe {
            for_each_directive(wide.as_ptr(), Grammar::Printf, |d| {
                out.push(*d);
                true
            })
        };
        assert_eq!(out.len(), 2);
        assert!(out[0].is_wide());
    }
}
